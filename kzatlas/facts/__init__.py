"""What a page and a briefing pack both state, worked out once and rendered by each.

* :mod:`~kzatlas.facts.surroundings`: what lies around a feature (the neighbourhood).
* :mod:`~kzatlas.facts.protection`: the protected share against the targets (the protection story).
* :mod:`~kzatlas.facts.region_facts`: a region's figures and notes.
* :mod:`~kzatlas.facts.sentences`: labelled figures and sourced sentences, the pieces they are told in.
"""
