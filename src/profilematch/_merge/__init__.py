"""Merging profiles: the manual merge, auto-merging by consolidation rules, previews.

Three layers, each usable alone:

- pure functions over service-shaped profile dicts (PascalCase keys):
  ``merge_fields`` combines one main profile with others, and ``consolidate``
  turns one match group into the merge operations its consolidation criteria
  call for;
- ``plan_auto_merge`` applies an AutoMerging setting to many match groups;
- store-backed calls (``merge_profiles``, ``auto_merge``,
  ``get_auto_merging_preview``) that read profiles from the store, apply the
  plan and record every merge in the profile history.

One module per part: the field-by-field merge (``_fields``), consolidation and
conflict resolution (``_consolidate``), the plan (``_plan``), one merge carried
out on the store (``_apply``), the manual merge (``_manual``), auto-merging in
a job (``_auto``) and the preview (``_preview``).
"""

from __future__ import annotations

from profilematch._merge._auto import AutoMergeResult, auto_merge
from profilematch._merge._consolidate import (
    MergeOperation,
    canonical_value,
    consolidate,
)
from profilematch._merge._fields import (
    ADDRESS_FIELDS,
    ADDRESS_PARTS,
    MERGEABLE_FIELDS,
    SCALAR_FIELDS,
    MergedProfile,
    ModelLike,
    ProfileRecord,
    merge_fields,
    merge_records,
)
from profilematch._merge._manual import merge_profiles
from profilematch._merge._plan import AutoMergePlan, GroupPlan, plan_auto_merge
from profilematch._merge._preview import (
    DEFAULT_PREVIEW_SAMPLE_SIZE,
    AutoMergingPreview,
    get_auto_merging_preview,
)

__all__ = [
    "ADDRESS_FIELDS",
    "ADDRESS_PARTS",
    "DEFAULT_PREVIEW_SAMPLE_SIZE",
    "MERGEABLE_FIELDS",
    "SCALAR_FIELDS",
    "AutoMergePlan",
    "AutoMergeResult",
    "AutoMergingPreview",
    "GroupPlan",
    "MergeOperation",
    "MergedProfile",
    "ModelLike",
    "ProfileRecord",
    "auto_merge",
    "canonical_value",
    "consolidate",
    "get_auto_merging_preview",
    "merge_fields",
    "merge_profiles",
    "merge_records",
    "plan_auto_merge",
]
