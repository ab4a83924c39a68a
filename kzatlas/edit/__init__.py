"""Changing the data: who may, and the guarded writes that record who, when, source and comment.

* :mod:`~kzatlas.edit.accounts` and :mod:`~kzatlas.edit.passwords`: editors, sign-in, lockout, hashes.
* :mod:`~kzatlas.edit.guarded_writes`: import, drawing and undo as store transactions.
* :mod:`~kzatlas.edit.drawn_shapes` and :mod:`~kzatlas.edit.drawn_records`: a drawing checked, then
  turned into a feature record.
"""
