"""Present: build a scene list and play it full-screen in a meeting."""

from kzatlas import ui

PAGE = "present"

context = ui.page_setup("Present", title_visible=not ui.playing())
everything = ui.all_features(context)
allowed = ui.allowed_values(context, everything)
deck = ui.current_deck(context, allowed)
number = ui.scene_number(deck)
ui.show_notices(context.translate)
if number is None:
    ui.scene_editor(PAGE, context, allowed, deck)
    ui.footer(context)
else:
    ui.scene_player(PAGE, context, allowed, deck, number)
