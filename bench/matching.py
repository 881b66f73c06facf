"""Benchmark of mentoring.matching.solver against the `matching` package (HospitalResident).

    .venv/bin/pip install 'matching>=1.4,<1.5'   # only needed for the comparison
    .venv/bin/python bench/matching.py [--small] [--seed N]

1. A seeded instance of 10,000 mentees and 2,000 mentors (capacities 1-8, top-5 rankings).
   The finite preference lists (explicit rankings only, mentors ordering those who ranked them)
   are solved by us and by matching.HospitalResident; both results are checked by our verifier.
2. The same people through our full `propose` (lists completed by score, lazily).
3. One school: about 250 mentees and 50 mentors, end to end from Candidate objects.
Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

# Python puts this script's folder first on sys.path, where this file would shadow the
# `matching` package; the project root goes there instead.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from mentoring.matching.compatibility import FORMS, Candidate  # noqa: E402
from mentoring.matching.solver import (  # noqa: E402
    Check,
    Preferences,
    Proposal,
    blocking_pairs,
    build_preferences,
    check_assignment,
    propose,
    solve,
    stable_assignment,
    verify,
)

HOME, UNIVERSITY, EMPLOYER, STRANGER = 1, 2, 3, 4
SUBJECTS = [f"subj{i}" for i in range(18)]
INTERESTS = [f"int{i}" for i in range(30)]
TIMES = [f"{day}_{part}" for day in range(7) for part in ("am", "pm", "eve")]
TAGS = [f"tag{i}" for i in range(12)]
PUPIL_FORMS: tuple[str, ...] = ("student_student", "university_student_pupil", "employer_pupil")
TEACHER_FORMS: tuple[str, ...] = ("teacher_teacher", "head_teacher")
STUDENT_FORMS: tuple[str, ...] = ("university_student_student", "employer_student")
# kind -> (share of mentors, organisation, forms a mentor of that kind accepts)
MENTOR_KINDS = {
    "pupil": (0.35, HOME, ("student_student",)),
    "teacher": (0.32, HOME, ("teacher_teacher",)),
    "head": (0.03, HOME, ("head_teacher",)),
    "university": (0.14, UNIVERSITY, ("university_student_pupil", "university_student_student")),
    "employer": (0.15, EMPLOYER, ("employer_pupil", "employer_student")),
    "stranger": (0.01, STRANGER, ("teacher_teacher",)),
}


def _some(rng: random.Random, pool: list[str], low: int, high: int) -> frozenset[str]:
    return frozenset(rng.sample(pool, rng.randint(low, high)))


def _profile(rng: random.Random) -> dict[str, Any]:
    return {
        "subjects": _some(rng, SUBJECTS, 1, 3),
        "interests": _some(rng, INTERESTS, 2, 5),
        "free_times": _some(rng, TIMES, 2, 6),
        "tags": _some(rng, TAGS, 1, 3),
        "format": rng.choice(["online", "offline", "any", "any", None]),
    }


def _mentee(rng: random.Random, pid: int) -> Candidate:
    roll = rng.random()
    if roll < 0.85:
        school_class: int | None = rng.randint(1, 11)
        age, forms, minor = (school_class or 0) + rng.choice((6, 7)), PUPIL_FORMS, True
    elif roll < 0.95:
        school_class, age, forms, minor = None, rng.randint(22, 35), TEACHER_FORMS, False
    else:
        school_class, age, forms, minor = None, rng.randint(17, 22), STUDENT_FORMS, False
    return Candidate(
        person_id=pid,
        role="mentee",
        organisation_id=HOME,
        display_name=f"mentee {pid}",
        age=age,
        school_class=school_class,
        preferred_form=rng.choice(forms),
        forms_accepted=frozenset(forms),
        is_minor=minor,
        parent_consent=rng.random() < 0.95,
        in_active_pair=rng.random() < 0.03,
        **_profile(rng),
    )


def _mentor(rng: random.Random, pid: int) -> Candidate:
    kinds = list(MENTOR_KINDS)
    kind = rng.choices(kinds, weights=[MENTOR_KINDS[k][0] for k in kinds])[0]
    _, org, forms = MENTOR_KINDS[kind]
    pupil = kind == "pupil"
    school_class = rng.randint(7, 11) if pupil else None
    age = (school_class or 0) + 7 if pupil else rng.randint(19 if kind == "university" else 23, 60)
    return Candidate(
        person_id=pid,
        role="mentor",
        organisation_id=org,
        display_name=f"mentor {pid}",
        age=age,
        school_class=school_class,
        preferred_form=forms[0],
        forms_accepted=frozenset(forms),
        is_minor=pupil,
        parent_consent=True,
        in_active_pair=rng.random() < 0.02,
        capacity=rng.randint(1, 8),
        is_partner_org=org in (UNIVERSITY, EMPLOYER),
        **_profile(rng),
    )


def generate(
    n_mentees: int, n_mentors: int, top: int, seed: int
) -> tuple[list[Candidate], list[Candidate]]:
    """Seeded instance; mentees rank `top` mentors, popular ones more often; mentors mark a few
    of those who ranked them."""
    rng = random.Random(seed)
    mentees = [_mentee(rng, 100_000 + i) for i in range(n_mentees)]
    mentors = [_mentor(rng, 1 + i) for i in range(n_mentors)]
    popularity = [1 / (rank + 10) for rank in range(n_mentors)]
    by_form = {form: [m for m in mentors if form in m.forms_accepted] for form in FORMS}
    ranked_by: dict[int, list[int]] = {m.person_id: [] for m in mentors}
    ranked_mentees = []
    for mentee in mentees:
        pool = [m for form in sorted(mentee.forms_accepted) for m in by_form[form]] or mentors
        weights = [popularity[m.person_id - 1] for m in pool]
        chosen: dict[int, None] = {}
        while len(chosen) < min(top, len(pool)):
            pick = (
                rng.choices(pool, weights=weights)[0] if rng.random() < 0.9 else rng.choice(mentors)
            )
            chosen[pick.person_id] = None
        for mentor_id in chosen:
            ranked_by[mentor_id].append(mentee.person_id)
        ranked_mentees.append(replace(mentee, ranking=tuple(chosen)))
    marked_mentors = []
    for mentor in mentors:
        fans = ranked_by[mentor.person_id]
        k = rng.randint(0, min(len(fans), mentor.capacity)) if rng.random() < 0.6 else 0
        marked_mentors.append(replace(mentor, ranking=tuple(rng.sample(fans, k))))
    return ranked_mentees, marked_mentors


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def _median_timed(fn: Callable[[], Any], runs: int) -> tuple[Any, float]:
    """Median of a few runs: other processes on a small machine make single runs noisy."""
    results = [_timed(fn) for _ in range(runs)]
    return results[-1][0], statistics.median(t for _, t in results)


def _run_hospital_resident(lists: tuple[Any, Any, Any]) -> tuple[dict[int, int], float, float]:
    """matching.HospitalResident in a thread with a big stack: it deep-copies its object graph."""
    from matching.games import HospitalResident

    mentee_lists, mentor_lists, capacities = lists
    # It cannot take residents with empty lists (it would propose to None).
    mentee_lists = {m: ranked for m, ranked in mentee_lists.items() if ranked}
    out: dict[str, Any] = {}

    def work() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            game, out["build"] = _timed(
                lambda: HospitalResident.create_from_dictionaries(
                    mentee_lists, mentor_lists, capacities
                )
            )
            matching, out["solve"] = _timed(game.solve)
        out["assignment"] = {r.name: h.name for h, residents in matching.items() for r in residents}

    sys.setrecursionlimit(1_000_000)
    threading.stack_size(512 * 1024 * 1024)
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return out["assignment"], out["build"], out["solve"]


def compare_with_package(mentees: list[Candidate], mentors: list[Candidate]) -> None:
    lists = build_preferences(mentees, mentors, complete=False).as_lists()
    print(
        f"explicit lists: {sum(map(len, lists[0].values()))} mentee entries, "
        f"{sum(map(len, lists[1].values()))} mentor entries, {sum(lists[2].values())} seats"
    )

    def ours_from_lists() -> tuple[Preferences, dict[int, int]]:
        prefs = Preferences.from_lists(*lists)
        return prefs, stable_assignment(prefs)

    (prefs, ours), t_ours = _median_timed(ours_from_lists, 5)
    try:
        theirs, t_build, t_solve = _run_hospital_resident(lists)
    except ImportError:
        print(f"ours: {t_ours:.3f} s   (pip install 'matching>=1.4,<1.5' to compare)")
        return
    ours_check, theirs_check = check_assignment(ours, prefs), check_assignment(theirs, prefs)
    total = t_build + t_solve
    print(
        f"ours: {t_ours:.3f} s  matching.HospitalResident: {total:.2f} s "
        f"(build {t_build:.2f} + solve {t_solve:.2f})  ratio: {total / t_ours:.0f}x  "
        f"blocking pairs: {ours_check.blocking_pairs} / {theirs_check.blocking_pairs}"
    )
    print(
        f"  checked by our verifier: ours {_fmt(ours_check)}, theirs {_fmt(theirs_check)}; "
        f"same matching: {'yes' if ours == theirs else 'NO'} ({len(ours)} matched; "
        f"ours median of 5 runs, theirs 1 run)"
    )


def _fmt(check: Check) -> str:
    return (
        f"blocking {check.blocking_pairs}, over capacity {check.capacity_violations}, "
        f"rule breaches {check.hard_rule_violations}"
    )


def full_propose(mentees: list[Candidate], mentors: list[Candidate]) -> None:
    def once() -> tuple[Preferences, Proposal, float, float]:
        prefs, t_prefs = _timed(lambda: build_preferences(mentees, mentors))
        proposal, t_solve = _timed(lambda: solve(prefs, check=False))
        return prefs, proposal, t_prefs, t_solve

    runs = sorted((once() for _ in range(3)), key=lambda run: run[2] + run[3])
    prefs, proposal, t_prefs, t_solve = runs[1]  # the median run
    total = t_prefs + t_solve
    check, t_check = _timed(lambda: verify(proposal, prefs))
    matched = sum(map(len, proposal.groups.values()))
    reasons: dict[str, int] = {}
    for u in proposal.unmatched_mentees:
        reasons[u.reason] = reasons.get(u.reason, 0) + 1
    print(
        f"ours, completed lists: propose {total:.2f} s (prefs {t_prefs:.2f} + "
        f"matching {t_solve:.2f}; median of 3)  verify {t_check:.2f} s: {_fmt(check)}"
    )
    print(f"  matched {matched} of {len(mentees)}; unmatched: {dict(sorted(reasons.items()))}")


def one_school(seed: int, runs: int) -> None:
    mentees, mentors = generate(250, 50, 3, seed)
    times = []
    for _ in range(runs):
        proposal, elapsed = _timed(lambda: propose(mentees, mentors))
        times.append(elapsed)
    assert proposal.check is not None
    planted = blocking_pairs(proposal.assignment(), build_preferences(mentees, mentors))
    print(
        f"one school (250 mentees, 50 mentors): propose with check "
        f"{statistics.median(times) * 1000:.0f} ms (median of {runs}): {_fmt(proposal.check)}; "
        f"blocking_pairs() lists {len(planted)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--small", action="store_true", help="1,000 x 200 instead of 10,000 x 2,000"
    )
    parser.add_argument("--seed", type=int, default=20240901)
    args = parser.parse_args()
    n_mentees, n_mentors = (1_000, 200) if args.small else (10_000, 2_000)
    (mentees, mentors), t_gen = _timed(lambda: generate(n_mentees, n_mentors, 5, args.seed))
    print(
        f"instance: {n_mentees} mentees x {n_mentors} mentors, top-5 rankings (generated in {t_gen:.1f} s)"
    )
    compare_with_package(mentees, mentors)
    full_propose(mentees, mentors)
    one_school(args.seed, 3 if args.small else 7)


if __name__ == "__main__":
    main()
