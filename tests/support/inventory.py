"""A small classic interest inventory, written as a bank file: six areas, five items each.

Each area is a dimension of kind "interest" and a role with that area alone in its profile,
so the bank is a summed-scale instrument: a role's fit is its area's classic 0..4 item
scores, summed, over the most they could sum to. The items are activities in the spirit
of the RIASEC areas, written for these tests.

Two variants of the same instrument: agreement items with the inventory's own five labels
(weight 1 on their area), or choice questions whose five options weigh 0, 1, 2, 3 and 4.
"""

from __future__ import annotations

import io
import json
from typing import Any

from flask.testing import FlaskClient
from helpers import form_token
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

LABELS = ["Strongly dislike", "Dislike", "Unsure", "Like", "Strongly like"]
GERMAN_LABELS = ["Mag ich gar nicht", "Mag ich nicht", "Unsicher", "Mag ich", "Mag ich sehr"]

# area key -> (area name, role name, German area name, the five activities)
AREAS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "realistic": (
        "Hands-on work",
        "Technician",
        "Praktische Arbeit",
        (
            "Repair a bicycle that will not shift gears",
            "Wire a new light switch in a workshop",
            "Build a bookshelf from rough planks",
            "Service the engine of a small boat",
            "Set up and tune machines on a factory floor",
        ),
    ),
    "investigative": (
        "Finding out how things work",
        "Researcher",
        "Herausfinden, wie Dinge funktionieren",
        (
            "Run an experiment to test a hunch",
            "Read a study and check its numbers",
            "Work out why a plant grows faster in one spot",
            "Solve a hard puzzle in mathematics",
            "Look at cells under a microscope",
        ),
    ),
    "artistic": (
        "Making and creating",
        "Designer",
        "Gestalten und Erschaffen",
        (
            "Sketch a poster for a street festival",
            "Write a short story",
            "Compose a tune on a keyboard",
            "Design the look of a new board game",
            "Photograph a city at night",
        ),
    ),
    "social": (
        "Helping and teaching",
        "Counsellor",
        "Helfen und Lehren",
        (
            "Teach a child to read",
            "Listen to a friend who is going through a hard time",
            "Lead a first-aid course",
            "Welcome new neighbours and show them around",
            "Coach a youth football team",
        ),
    ),
    "enterprising": (
        "Leading and persuading",
        "Entrepreneur",
        "Führen und Überzeugen",
        (
            "Pitch an idea to people with money to invest",
            "Run a stall at a market and sell out",
            "Lead a team to meet a deadline",
            "Negotiate a better price with a supplier",
            "Start a small business of your own",
        ),
    ),
    "conventional": (
        "Order and detail",
        "Administrator",
        "Ordnung und Sorgfalt",
        (
            "Keep the accounts of a club",
            "Sort a messy archive into a clear system",
            "Check a long form for mistakes",
            "Plan a schedule so that nothing clashes",
            "Keep an inventory of a storeroom up to date",
        ),
    ),
}
ITEMS_PER_AREA = 5
# the most a classic 0..4 item score adds up to per area
MAXIMUM = 4 * ITEMS_PER_AREA


def item_key(area: str, number: int) -> str:
    """Name item ``number`` (1 to 5) of ``area``: "realistic-3"."""
    return f"{area}-{number}"


def inventory_document(variant: str) -> dict[str, Any]:
    """Return the inventory as a bank document: ``variant`` "likert" or "choice".

    Items are interleaved (one of each area in turn), as inventories usually are.
    """
    dimensions = [
        {
            "key": area,
            "name": name,
            "kind": "interest",
            "description": f"Liking {name.lower()}.",
            "translations": {"de": {"name": german}},
        }
        for area, (name, _role, german, _items) in AREAS.items()
    ]
    roles = [
        {
            "key": role.lower(),
            "name": role,
            "summary": f"A {role.lower()} enjoys {name.lower()}.",
            "focus": name,
            "skills": [name],
            "tasks": [items[0]],
            "goals": [f"More {name.lower()}"],
            "typical_day": items[1],
            "learn_first": [items[2]],
            "first_project": items[3],
            "profile": {area: 1},
        }
        for area, (name, role, _german, items) in AREAS.items()
    ]
    questions = []
    for number in range(1, ITEMS_PER_AREA + 1):
        for area, (_name, _role, _german, items) in AREAS.items():
            prompt = items[number - 1]
            if variant == "likert":
                question = {
                    "key": item_key(area, number),
                    "kind": "likert",
                    "prompt": prompt,
                    "labels": list(LABELS),
                    "weights": {area: 1},
                    "translations": {"de": {"labels": list(GERMAN_LABELS)}},
                }
            else:
                question = {
                    "key": item_key(area, number),
                    "kind": "choice",
                    "prompt": prompt,
                    "options": [
                        {"key": f"s{score}", "label": label, "weights": {area: score}}
                        for score, label in enumerate(LABELS)
                    ],
                }
            questions.append(question)
    return {"format": 1, "dimensions": dimensions, "roles": roles, "questions": questions}


def upload_bank(client: FlaskClient, content: str, filename: str = "inventory.json"):
    """Send ``content`` as the bank file of the admin's upload form, as a browser would."""
    boundary, body = encode_multipart(
        MultiDict(
            {
                "csrf_token": form_token(client, "/admin/bank"),
                "bank_file": FileStorage(io.BytesIO(content.encode("utf-8")), filename),
            }
        )
    )
    return client.post(
        "/admin/bank", data=body, content_type=f'multipart/form-data; boundary="{boundary}"'
    )


def publish(client: FlaskClient):
    """Publish the draft through the overview's button."""
    return client.post("/admin/publish", data={"csrf_token": form_token(client, "/admin/")})


def inventory_text(variant: str) -> str:
    return json.dumps(inventory_document(variant), indent=2, ensure_ascii=False)
