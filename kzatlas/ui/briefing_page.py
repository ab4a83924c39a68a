"""The briefing page's controls: what a pack is about, and making its PDF and slides."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import streamlit as st

from kzatlas import briefing, selection
from kzatlas.config import AREA_KINDS, KIND_UNDP_SITE
from kzatlas.i18n import N_, shown_name
from kzatlas.safety import escape_markdown
from kzatlas.ui.downloads import prepared_download
from kzatlas.ui.frame import PageContext
from kzatlas.ui.settings import public_base_url

SCOPE_AREA = "area"
SCOPE_SITE = "site"
BRIEFING_SCOPES = {
    briefing.SCOPE_COUNTRY: N_("The whole country"),
    briefing.SCOPE_REGION: N_("A region"),
    SCOPE_AREA: N_("A protected area or corridor"),
    SCOPE_SITE: N_("A UNDP project site"),
}
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def briefing_scope(page: str, context: PageContext, features: gpd.GeoDataFrame) -> tuple[briefing.Scope, str, str]:
    """Widgets to choose what the pack is about; returns the scope, its name and the app link.

    The link opens the same view in the pack's language (``lang=`` when it is not English); it is
    empty when the atlas has no address that works for the pack's readers (see
    :func:`kzatlas.ui.settings.public_base_url`).
    """
    scope, name, path = _chosen_scope(page, context, features)
    base = public_base_url()
    return scope, name, selection.with_language(base + path, context.language) if base else ""


def _chosen_scope(page: str, context: PageContext, features: gpd.GeoDataFrame) -> tuple[briefing.Scope, str, str]:
    translate = context.translate
    choice = st.radio(
        translate("Briefing pack about"),
        list(BRIEFING_SCOPES),
        format_func=lambda key: translate(BRIEFING_SCOPES[key]),
        horizontal=True,
        key=f"{page}.scope",
    )
    if choice == briefing.SCOPE_COUNTRY:
        return briefing.Scope(briefing.SCOPE_COUNTRY), translate("Kazakhstan"), "/"
    if choice == briefing.SCOPE_REGION:
        names = context.region_names()
        code = st.selectbox(
            translate("Region"), sorted(names, key=names.get), format_func=names.get, key=f"{page}.region"
        )
        return briefing.Scope(briefing.SCOPE_REGION, code), names[code], selection.region_link(code)
    kinds = (KIND_UNDP_SITE,) if choice == SCOPE_SITE else AREA_KINDS
    candidates = features[features["kind"].isin(kinds)].sort_values("name_en")
    labels = {row["id"]: shown_name(row, context.name_column, translate) for _, row in candidates.iterrows()}
    feature_id = st.selectbox(
        translate("Feature"), list(labels), format_func=labels.get, key=f"{page}.feature.{choice}"
    )
    return (
        briefing.Scope(briefing.SCOPE_FEATURE, feature_id),
        labels[feature_id],
        selection.feature_link(feature_id),
    )


def briefing_export(page: str, context: PageContext, scope: briefing.Scope, link: str) -> None:
    """Make the PDF and PPTX for ``scope`` step by step, then offer both files."""
    translate = context.translate
    stem = "kz-atlas-briefing-" + "".join(ch if ch.isalnum() else "-" for ch in (scope.id or "kazakhstan").lower())

    def content(_results):
        return briefing.build_briefing(
            context.catalogue, scope, translate, context.name_column, link, date.today().isoformat()
        )

    steps = [
        (N_("Gathering the numbers and sources"), content),
        (N_("Drawing the map"), lambda _r: briefing.static_map_png(context.catalogue, scope, translate=translate)),
        (N_("Making the QR code"), lambda _r: briefing.qr_png(link) if link else None),
        # The country's pack also tells the network's story through the years.
        (
            N_("Drawing the network through time"),
            lambda _r: briefing.time_strip_png(context.catalogue, date.today().year, translate)
            if scope.kind == briefing.SCOPE_COUNTRY
            else None,
        ),
        (N_("Writing the PDF"), lambda r: briefing.pdf_bytes(r[0], r[1], r[2], r[3])),
        (N_("Writing the slides"), lambda r: briefing.pptx_bytes(r[0], r[1], r[2], r[3])),
    ]
    if link:
        st.caption(translate("The pack links back to: {link}").format(link=escape_markdown(link)))
    else:
        st.caption(
            translate(
                "This atlas has no public address set and was opened from this computer's own address, "
                "so packs made here carry no link or QR code (they say why). An administrator sets the "
                "address with `KZATLAS_PUBLIC_URL` or `[atlas] public_url` in the secrets (README, \"Links in packs\")."
            )
        )
    prepared_download(
        page,
        stem,
        translate,
        steps,
        [
            (N_("Download the PDF"), f"{stem}.pdf", "application/pdf"),
            (N_("Download the slides (PPTX)"), f"{stem}.pptx", PPTX_MIME),
        ],
    )
