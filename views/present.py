"""Present: build a scene list and play it full-screen in a meeting."""

from kzatlas import ui
from kzatlas.ui import frame, links, present

PAGE = "present"

context = ui.page_setup("Present", title_visible=not present.playing())
everything = context.all_features()
allowed = links.allowed_values(context, everything)
present.restore_saved_deck(PAGE, allowed)
deck = present.current_deck(context, allowed)
number = present.scene_number(deck)
frame.show_notices(context.translate)
if number is None:
    present.scene_editor(PAGE, context, allowed, deck)
    ui.footer(context)
else:
    present.scene_player(PAGE, context, allowed, deck, number)
present.keep_deck_in_browser(PAGE, allowed)
