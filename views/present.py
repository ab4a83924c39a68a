"""Present: build a scene list and play it full-screen in a meeting."""

from kzatlas import ui
from kzatlas.ui import frame, links, presenting

PAGE = "present"

context = ui.page_setup("Present", title_visible=not presenting.playing())
everything = context.all_features()
allowed = links.allowed_values(context, everything)
presenting.restore_saved_deck(PAGE, allowed)
deck = presenting.current_deck(context, allowed)
number = presenting.scene_number(deck)
frame.show_notices(context.translate)
if number is None:
    presenting.scene_editor(PAGE, context, allowed, deck)
    ui.footer(context)
else:
    presenting.scene_player(PAGE, context, allowed, deck, number)
presenting.keep_deck_in_browser(PAGE, allowed)
