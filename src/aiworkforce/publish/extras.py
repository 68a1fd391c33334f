"""The files of a release beyond the graphs and copies: the JSON-LD context, the SSSOM crosswalk, the changes.

:func:`extra_files` builds them in memory, each with the line the release notes give it; ``release()`` writes
them and lists them in ``SHA256SUMS``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from aiworkforce.publish.context import jsonld_context
from aiworkforce.publish.sssom import FILE_NAME as SSSOM
from aiworkforce.publish.sssom import sssom_tsv

CONTEXT = "aiworkforce.context.jsonld"
CHANGES_MD = "CHANGES.md"
CHANGES_JSON = "CHANGES.json"


@dataclass(frozen=True)
class Extra:
    text: str
    description: str
    data: object = None  # the parsed form, where a caller needs it (the context)


def extra_files(base, full, version: str, version_iri: str, *, previous: str | Path | None = None
                ) -> dict[str, Extra]:
    """File name -> :class:`Extra` for the release of ``base`` and ``full`` (rdflib graphs)."""
    context = jsonld_context(full)
    extras = {
        CONTEXT: Extra(json.dumps({"@context": context}, indent=2, ensure_ascii=False) + "\n",
                       "the JSON-LD context of the vocabulary, generated from the ontology: every property and "
                       "class as a plain key, with its type, language maps for labels", context),
        SSSOM: Extra(sssom_tsv(base, version, version_iri),
                     "the crosswalk to ISCO-08, ESCO and O*NET as an SSSOM mapping table (metadata embedded), "
                     "with each mapping's justification and confidence"),
    }
    if previous is not None:
        from aiworkforce.present.diff import diff_json, diff_markdown
        from aiworkforce.publish.diff import diff_graphs, load_side

        changes = diff_graphs(load_side(previous), base, old_name=str(previous), new_name=f"aiworkforce {version}")
        extras[CHANGES_MD] = Extra(diff_markdown(changes, title=f"Changes in aiworkforce {version}"),
                                   f"what changed since {Path(previous).name}: terms added, removed, "
                                   "relabelled, redefined and every changed link")
        extras[CHANGES_JSON] = Extra(json.dumps(diff_json(changes), indent=2, ensure_ascii=False) + "\n",
                                     "the same changes as data")
    return extras
