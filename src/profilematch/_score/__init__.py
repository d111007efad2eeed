"""Confidence: an unsupervised Fellegi-Sunter model over comparison vectors.

For each attribute family and comparison level the model holds ``m`` (how
often a true match shows that level) and ``u`` (how often two unrelated
profiles do, estimated from random pairs). The match weight of a level is
``log2(m / u)``; missing levels weigh nothing.

Candidate pairs hold two more kinds of pair that random pairs do not show,
both sharing a blocking key: related non-matches (namesakes and people with
similar names, ``r``) and households (family members and colleagues whose
names differ but who share a phone, an address or an email, ``h``). Each has
its own level probabilities and prior, so a pair's match weight is its
posterior log2 odds against every kind of non-match, and its confidence the
matching probability. The two kinds are kept apart because their agreements
come together differently: a namesake agrees on the name and little else, a
household on several contact details at once and not on the name; one class
for both reads a shared phone and address as the evidence of a duplicate once
namesakes outnumber households, as they do in a large input. ``m``, ``r``,
``h`` and the priors come from expectation maximisation over the candidate
pairs, run on the counts of distinct comparison vectors (a few hundred,
whatever the number of pairs), with ``u`` held at its random-pair estimate.

Business names have comparison levels of their own (see
``profilematch._compare.LEVELS``), and on those the household class is not
trained: it keeps the levels of random pairs. Organisations that share a site
have names as unlike as any two, while one organisation listed twice writes its
name differently; a household class free to learn business names takes the
second for the first, and reads every such duplicate as two organisations.

Exact levels of name, email and phone are weakened by how common the shared
value is: agreement on a switchboard number, a family email or a role address
(info@) is weaker evidence than agreement on a value only one person has.

One module per part: the parameters and the built-in model (``_parameters``),
training them, ``u`` from random pairs and the rest by EM (``_train``), and
scoring comparison vectors with them, shared values counted (``_scorer``).
"""

from __future__ import annotations

from profilematch._score._parameters import (
    DEFAULT_MODEL,
    FREQUENCY_FLOOR,
    ModelParameters,
)
from profilematch._score._scorer import (
    ROLE_ACCOUNT_COUNT,
    ROLE_LOCAL_PARTS,
    KnownCounts,
    Scorer,
    TermFrequencies,
    ValueCounts,
    combine,
    is_role_email,
    probability,
)
from profilematch._score._train import estimate_u, train_em

__all__ = [
    "DEFAULT_MODEL",
    "FREQUENCY_FLOOR",
    "ROLE_ACCOUNT_COUNT",
    "ROLE_LOCAL_PARTS",
    "KnownCounts",
    "ModelParameters",
    "Scorer",
    "TermFrequencies",
    "ValueCounts",
    "combine",
    "estimate_u",
    "is_role_email",
    "probability",
    "train_em",
]
