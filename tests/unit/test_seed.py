"""The bundled roadmap is the seed, complete."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from planner import locations
from planner.roadmap import Effort, Module, Roadmap, StatedEstimate, Topic

REPO = Path(__file__).resolve().parents[2]


def test_bundled_roadmap_is_the_repo_roadmap() -> None:
    """Two real files with one text: the package's copy and the top-level roadmap.yaml."""
    assert locations.bundled_roadmap().read_bytes() == (REPO / "roadmap.yaml").read_bytes(), (
        "planner/data/roadmap.yaml differs from roadmap.yaml: edit roadmap.yaml, then "
        "copy it over planner/data/roadmap.yaml"
    )


def test_the_package_holds_no_symlink() -> None:
    """A checkout without symlinks (Windows' default) would hold a link's target path as
    the file's text; the package and the top-level roadmap are regular files."""
    links = [p for p in (REPO / "planner").rglob("*") if p.is_symlink()]
    assert links == []
    assert not (REPO / "roadmap.yaml").is_symlink()


def test_counts_and_totals(seed: Roadmap) -> None:
    assert seed.id == "backend-roadmap"
    assert seed.title == "Backend Developer Roadmap (Python Focus - Accelerated)"
    assert seed.counts()[:2] == (5, 28)
    assert seed.hours() / 8 == 118
    assert seed.stated is not None and seed.stated.weeks == 17
    assert seed.stated.text == "Just over 4 months"
    assert seed.stated.qualifier == "highly dependent on individual pace and depth"


def test_modules_in_order_with_stated_estimates(seed: Roadmap) -> None:
    got = [(m.number, m.title, m.stated.weeks, m.stated.hours) for m in seed.modules if m.stated]
    assert got == [
        (1, "Foundations Revisited (Leveraging Your Background)", 1, 40),
        (2, "Web Frameworks & APIs", 5, 200),
        (3, "Data Management", 3, 120),
        (4, "Deployment & Infrastructure (DevOps Basics)", 3, 120),
        (5, "Advanced Topics & Job Readiness", 4, 160),
    ]
    assert [len(m.topics) for m in seed.modules] == [3, 6, 4, 5, 10]
    assert [m.hours() / 8 for m in seed.modules] == [5, 35, 17, 20, 41]
    m5 = seed.module("advanced-topics-job-readiness")
    assert m5.stated is not None and m5.stated.qualifier == "+ Ongoing effort"


def test_module_notes_kept(seed: Roadmap) -> None:
    m1, m2, _m3, m4, m5 = seed.modules
    assert m1.tools[0] == "Python 3.10+" and m1.core_practice is None
    assert m2.core_practice is not None and "YAGNI" in m2.core_practice
    assert "Black" in m2.tools
    assert m2.practical_application is not None and m2.practical_application.startswith("Start")
    assert m4.tools[-1] == "GitHub Actions/GitLab CI"
    assert m5.practical_application is not None and "apply for jobs" in m5.practical_application
    assert all(isinstance(m, Module) and m.goal for m in seed.modules)


def test_topics_subtopics_and_qualifiers(seed: Roadmap) -> None:
    apf = seed.topic("advanced-python-features")
    assert [s.title for s in apf.subtopics] == [
        "OOP",
        "Asyncio",
        "Decorators",
        "Generators",
        "Context Managers",
        "Typing",
    ]
    assert apf.subtopics[0].link == "./01-Foundations/01-Advanced-Features/01-OOP/OOP.md"
    assert len(seed.topic("git-mastery-collaboration-flow").subtopics) == 5
    assert len(seed.topic("django-deep-dive").subtopics) == 7
    qualifiers = {t.id: t.qualifier for t in seed.topics() if t.qualifier}
    assert qualifiers == {
        "orm-proficiency": "plus integration",
        "data-structures-algorithms": "plus ongoing practice",
        "portfolio-project-refinement-showcase": "polish",
        "interview-preparation": "dedicated practice, plus ongoing",
    }
    assert all(isinstance(t, Topic) and t.estimate for t in seed.topics())


def test_a_groups_lead_in_is_its_topics_note_not_a_subtopic(seed: Roadmap) -> None:
    assert {t.id: t.note for t in seed.topics() if t.note} == {
        "relational-databases-sql": "PostgreSQL",
        "cloud-platform-fundamentals": "Choose AWS/GCP/Azure",
        "data-structures-algorithms": "Python focus: Review for interviews",
    }
    firsts = [
        seed.topic(t).subtopics[0].title
        for t in (
            "relational-databases-sql",
            "nosql-databases",
            "cloud-platform-fundamentals",
            "data-structures-algorithms",
        )
    ]
    assert firsts == ["Advanced SELECT", "Concepts: CAP, BASE", "Core Compute", "Lists"]
    assert [s.title for s in seed.topic("nosql-databases").subtopics] == [
        "Concepts: CAP, BASE",
        "Use cases",
        "Intro to MongoDB & Redis basics",
    ]


def test_ids_unique_and_readable(seed: Roadmap) -> None:
    ids = [item.id for item in seed.items()]
    assert len(ids) == len(set(ids))
    assert "django-deep-dive" in seed
    assert "django-deep-dive/migrations" in seed
    assert all(i == i.lower() and " " not in i for i in ids)


# -- item by item against the seed Markdown, read here with plain regexes ---------------

SEED_MD = REPO / "tests" / "data" / "backend-roadmap.md"
_TOPIC = re.compile(
    r"^- (?P<title>.*?)(?: \((?P<subs>[^()]*)\))? - Est\. Time: (?P<n>\d+) (?P<unit>days?)"
    r"(?: \((?P<q>.*)\))?$"
)
_TOPIC_IN_PARENS = re.compile(r"^- (?P<title>.*) \(Est\. Time: (?P<n>\d+) (?P<unit>days?)\)$")
_NESTED = re.compile(r"^  - (?:\[(?P<label>[^\]]*)\]\((?P<link>[^)]*)\)|(?P<text>.*))$")
_STATED = re.compile(r"^~(\d+) Weeks? \(approx\. (\d+) hours\)(?: (\+ .*))?$")


def _seed_markdown() -> list[dict[str, Any]]:
    modules: list[dict[str, Any]] = []
    for line in SEED_MD.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^## Module (\d+): (.*)$", line):
            modules.append({"number": int(m[1]), "title": m[2], "topics": [], "notes": {}})
        elif m := re.match(r"^- Goal: (.*)$", line):
            modules[-1]["goal"] = m[1]
        elif (m := _TOPIC.match(line)) or (m := _TOPIC_IN_PARENS.match(line)):
            subs = m.groupdict().get("subs")
            items, note = (re.split(r"[,;] ", subs) if subs else []), None
            if subs and "; " in subs:  # "Concepts: CAP, BASE; Use cases": a label keeps commas
                items = [i for p in subs.split("; ") for i in ([p] if ": " in p else p.split(", "))]
            elif items and ": " in items[0]:  # "PostgreSQL: Advanced SELECT, ...": a lead-in
                first = items[0]
                note, _, items[0] = (
                    first.rpartition(" - ") if " - " in first else first.partition(": ")
                )
            modules[-1]["topics"].append(
                {
                    "title": m["title"],
                    "days": int(m["n"]),
                    "qualifier": m.groupdict().get("q"),
                    "note": note,
                    "subtopics": [(s, None) for s in items],
                }
            )
        elif m := _NESTED.match(line):
            sub = (m["label"], m["link"]) if m["label"] else (m["text"], None)
            modules[-1]["topics"][-1]["subtopics"].append(sub)
        elif m := re.match(r"^> ([A-Za-z ]+): (.*)$", line):
            modules[-1]["notes"][m[1]] = m[2]
        else:
            assert line in ("", "### Topics", "> [!NOTE]") or line.startswith("# "), line
    return modules


def test_every_module_field_is_the_seeds(seed: Roadmap) -> None:
    md = _seed_markdown()
    assert len(md) == len(seed.modules) == 5
    for mine, theirs in zip(seed.modules, md, strict=True):
        notes = theirs["notes"]
        assert (mine.number, mine.title, mine.goal) == (
            theirs["number"],
            theirs["title"],
            theirs["goal"],
        )
        assert ", ".join(mine.tools) + "." == notes["Tools"]
        assert mine.core_practice == notes.get("Core Practice")
        assert mine.practical_application == notes.get("Practical Application")
        stated = _STATED.match(notes["Estimated Module Time"])
        assert stated is not None
        weeks, hours, rider = stated.groups()
        assert mine.stated == StatedEstimate(weeks=int(weeks), hours=int(hours), qualifier=rider)
    total = md[-1]["notes"]["Total Estimated Time"]
    assert seed.stated is not None
    assert total == f"~{seed.stated.weeks:g} Weeks / {seed.stated.text} ({seed.stated.qualifier})."


def test_every_topic_and_subtopic_is_the_seeds(seed: Roadmap) -> None:
    md = _seed_markdown()
    for mine, theirs in zip(seed.modules, md, strict=True):
        assert len(mine.topics) == len(theirs["topics"])
        for topic, want in zip(mine.topics, theirs["topics"], strict=True):
            assert topic.module_id == mine.id
            assert (topic.title, topic.estimate, topic.qualifier, topic.note) == (
                want["title"],
                Effort(want["days"], "days"),
                want["qualifier"],
                want.get("note"),
            )
            assert [(s.title, s.link) for s in topic.subtopics] == want["subtopics"]
            assert all(s.id.startswith(topic.id + "/") for s in topic.subtopics)
    assert sum(len(t["subtopics"]) for m in md for t in m["topics"]) == seed.counts()[2] == 104
