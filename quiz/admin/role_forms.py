"""Forms for editing roles: their texts and their profile over the skills and goals."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError
from wtforms.widgets import ColorInput

from quiz.admin.plain_text import plain_text
from quiz.admin.unique_key import unique_key
from quiz.core.bank import (
    COLOUR_PATTERN,
    KEY_PATTERN,
    LEAST_COLOUR_CONTRAST,
    LIST_LIMIT,
    PROFILE_RANGE,
    TEXT_LIMIT,
    URL_LIMIT,
    BankLink,
    contrast_on_white,
    url_problem,
)
from quiz.models import Dimension, Role
from quiz.store.drafts import ROLE_PAGE_FIELDS
from quiz.store.editing import NO_DIMENSION_TO_EMPHASISE, NO_EMPHASIS, ROLE_FIELDS
from quiz.web.i18n import LazyText
from quiz.web.i18n import lazy_gettext as _l

# The name columns are shorter than other texts; a longer name must fail here, not in the database.
NAME_LIMIT = 120
EMPHASIS_LEVELS = tuple(str(level) for level in range(PROFILE_RANGE[0], PROFILE_RANGE[1] + 1))
EMPHASIS_CHOICES = [
    SelectChoice("0", _l("0 — not part of this role")),
    SelectChoice("1", _l("1 — a little")),
    SelectChoice("2", _l("2 — a fair amount")),
    SelectChoice("3", _l("3 — central to the role")),
]
KEY_HINT = _l(
    "Lowercase letters, digits and hyphens, up to 40 characters, like data-engineer. "
    "Stored answers refer to it, so keep it stable once published."
)
# Length fills in %(max)d and %(length)d
TOO_LONG = _l("Keep this to at most %(max)d characters (it has %(length)d).")
WRITE_THIS = _l("Write this text.")
GIVE_A_KEY = _l("Give a key.")


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def valid_key(form: FlaskForm, field: Field) -> None:
    if not KEY_PATTERN.fullmatch(field.data or ""):
        raise ValidationError(
            _("Use 1 to 40 lowercase letters, digits or hyphens, starting with a letter or digit.")
        )


def name_field(description: str | LazyText = "") -> StringField:
    """A role's or dimension's name: written, short enough for its column, plain text."""
    return StringField(
        _l("Name"),
        filters=[strip],
        validators=[
            DataRequired(WRITE_THIS),
            Length(max=NAME_LIMIT, message=TOO_LONG),
            plain_text,
        ],
        description=description,
    )


def _text(label: str, limit: int = TEXT_LIMIT, hint: str = "") -> TextAreaField:
    return TextAreaField(
        label,
        filters=[strip],
        validators=[DataRequired(WRITE_THIS), Length(max=limit, message=TOO_LONG), plain_text],
        description=hint,
    )


class LineListField(TextAreaField):
    """A text area holding a list: one item per line, blank lines and outer spaces dropped."""

    def process_data(self, value: Any) -> None:
        self.data = list(value) if value else []

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist:
            lines = str(valuelist[0]).splitlines()
            self.data = [line.strip() for line in lines if line.strip()]

    def _value(self) -> str:
        return "\n".join(self.data or [])


def _refuse_too_many(items: list[str]) -> None:
    """Refuse more than LIST_LIMIT items."""
    if len(items) > LIST_LIMIT:
        raise ValidationError(
            _(
                "Write at most %(most)s items (this has %(count)s).",
                most=LIST_LIMIT,
                count=len(items),
            )
        )


def _refuse_long_lists(items: list[str], longest: int) -> None:
    """Refuse more than LIST_LIMIT items, or an item longer than ``longest`` characters."""
    _refuse_too_many(items)
    for number, item in enumerate(items, start=1):
        if len(item) > longest:
            raise ValidationError(
                _(
                    "Item %(number)s is %(length)s characters long; keep each item to %(limit)s.",
                    number=number,
                    length=len(item),
                    limit=longest,
                )
            )


def _list_of_texts(form: FlaskForm, field: Field) -> None:
    """Refuse an empty list, more than LIST_LIMIT items, or an item over TEXT_LIMIT."""
    items = field.data or []
    if not items:
        raise ValidationError(_("Write at least one item, one per line."))
    _refuse_long_lists(items, TEXT_LIMIT)


def _list(label: str) -> LineListField:
    return LineListField(
        label,
        validators=[_list_of_texts, plain_text],
        description=_l("One item per line, 1 to %(most)s items.", most=LIST_LIMIT),
    )


def _titles(form: FlaskForm, field: Field) -> None:
    """Refuse more than LIST_LIMIT job titles or one longer than a name may be; none is fine."""
    _refuse_long_lists(field.data or [], NAME_LIMIT)


# "Label | https://...": the label is everything before the last bar that has an address after it
LINK_LINE = re.compile(r"(?P<label>.+?)\s*\|\s*(?P<url>\S+)")


class LinkListField(LineListField):
    """A text area holding links, one per line as "Label | https://...", blank lines dropped.

    Its data is the lines as typed (stripped) until validation reads them into links
    (:meth:`links`); the lines are what the page shows again after an error.
    """

    def process_data(self, value: Any) -> None:
        links = value or []
        self.data = [
            link.line if isinstance(link, BankLink) else BankLink(**link).line for link in links
        ]

    def links(self) -> list[BankLink]:
        """Return the lines as links (valid only after validation)."""
        found = []
        for line in self.data or []:
            match = LINK_LINE.fullmatch(line)
            if match:
                found.append(BankLink(match["label"], match["url"]))
        return found


def _links(form: FlaskForm, field: Field) -> None:
    """Refuse more than LIST_LIMIT links, a line that is not "Label | address", a label longer
    than a name, and an address the bank refuses (:func:`quiz.core.bank.url_problem`)."""
    lines = field.data or []
    _refuse_too_many(lines)
    for number, line in enumerate(lines, start=1):
        match = LINK_LINE.fullmatch(line)
        if match is None:
            raise ValidationError(
                _(
                    "Line %(number)s: write a label, then |, then the address, like "
                    "“O*NET OnLine: Data Scientists | https://www.onetonline.org/link/summary/"
                    "15-2051.00”.",
                    number=number,
                )
            )
        if len(match["label"]) > NAME_LIMIT:
            raise ValidationError(
                _(
                    "Line %(number)s: keep the label to at most %(most)s characters "
                    "(it has %(length)s).",
                    number=number,
                    most=NAME_LIMIT,
                    length=len(match["label"]),
                )
            )
        reason = url_problem(match["url"])
        if reason is not None:
            raise ValidationError(
                _(
                    "Line %(number)s: the address %(reason)s",
                    number=number,
                    reason=_(reason, most=URL_LIMIT),
                )
            )


class ColourField(StringField):
    """A colour picker (``<input type="color">``) holding "#rrggbb".

    A browser's picker only ever sends such a value; anything else was typed into a hand-made
    request, and is shown back as text only (a picker cannot hold it).
    """

    widget = ColorInput()

    @property
    def shows_colour(self) -> bool:
        return bool(COLOUR_PATTERN.fullmatch(self.data or ""))

    def _value(self) -> str:
        return str(self.data) if self.shows_colour else "#000000"


def _lowercase(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _colour(form: FlaskForm, field: Field) -> None:
    """Refuse a colour that is not "#rrggbb" or stands out on white by less than 3:1,
    unless the role takes the palette's colour (then the picker's value is not used)."""
    if form.use_palette.data:
        return
    if not COLOUR_PATTERN.fullmatch(field.data or ""):
        raise ValidationError(_("Choose a colour, written as # and six hex digits like #1d4ed8."))
    ratio = contrast_on_white(field.data)
    if ratio < LEAST_COLOUR_CONTRAST:
        raise ValidationError(
            _(
                "This colour stands out on white by only %(ratio)s:1; bars and marks need at "
                "least 3:1. Choose a darker colour, or use the palette's colour.",
                # one decimal, written the reader's way (1.3 in English, 1,3 in German)
                ratio=format_decimal(math.floor(ratio * 10) / 10, format="0.0"),
            )
        )


class RevisionField(HiddenField):
    """The revision an edit started from; missing from a submitted form, it is unknown (None).

    Without this a form sent without the field would keep the stored revision and slip
    past the stale-copy check.
    """

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = valuelist[0] if valuelist else None


class RoleForm(FlaskForm):
    """Every text of a role; :func:`role_form` adds one emphasis field per dimension."""

    name = name_field()
    key = StringField(
        _l("Key"),
        filters=[strip],
        validators=[DataRequired(GIVE_A_KEY), valid_key, unique_key(Role, own_id="role_id")],
        description=KEY_HINT,
    )
    summary = _text(_l("Summary"), hint=_l("One sentence."))
    focus = _text(_l("Focus"), hint=_l("What the work centres on."))
    skills = _list(_l("Skills"))
    tasks = _list(_l("Tasks"))
    goals = _list(_l("Goals"))
    typical_day = _text(_l("A typical day"))
    learn_first = _list(_l("Learn first"))
    first_project = _text(
        _l("A first project to try"), hint=_l("Something concrete to build or find out.")
    )
    titles = LineListField(
        _l("Typical job titles"),
        validators=[_titles, plain_text],
        description=_l(
            "The titles people in this role typically hold in job adverts, one per line, "
            "up to %(most)s; for example Data Scientist. Leave empty if you have none.",
            most=LIST_LIMIT,
        ),
    )
    links = LinkListField(
        _l("Links to occupation databases"),
        validators=[_links, plain_text],
        description=_l(
            "The role's entries in public occupation databases, one per line as "
            "“Label | https://address”, up to %(most)s. Link only to entries that exist.",
            most=LIST_LIMIT,
        ),
    )
    use_palette = BooleanField(_l("Use the palette's colour"))
    colour = ColourField(
        _l("Colour"),
        filters=[_lowercase],
        validators=[_colour],
        description=_l(
            "Drawn as the role's bars and marks. It must stand out on white by at least 3:1. "
            "Ticked “Use the palette's colour”, the role takes the colour of its place in "
            "the palette instead."
        ),
    )
    # The revision the editor started from; a different one on save means someone else saved.
    revision = RevisionField()

    def __init__(self, *args: Any, role_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role_id = role_id
        self.profile_errors: list[str] = []

    def texts(self) -> dict[str, Any]:
        """Return the role's key, texts and lists as submitted, by name (its links as links,
        its colour "" where it takes the palette's)."""
        fields = {name: self[name].data for name in ROLE_FIELDS if name not in ("links", "colour")}
        return fields | {
            "links": self.links.links(),
            "colour": "" if self.use_palette.data else self.colour.data,
        }

    def page_field_errors(self) -> list[str]:
        """Return what was refused among the job titles, links and colour."""
        return [error for name in ROLE_PAGE_FIELDS for error in self[name].errors]

    def emphasis_fields(self) -> list[SelectField]:
        return [field for field in self if field.name.startswith("emphasis-")]

    def profile(self) -> dict[int, int]:
        """Return the chosen emphasis per dimension id (valid only after validation)."""
        return {int(f.name.removeprefix("emphasis-")): int(f.data) for f in self.emphasis_fields()}

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        fields = self.emphasis_fields()
        # only when every level is a number: one error at a time, the field's first
        if valid and not any(int(f.data) for f in fields):
            self.profile_errors.append(_(NO_EMPHASIS) if fields else _(NO_DIMENSION_TO_EMPHASISE))
            return False
        return valid


def emphasis_field_name(dimension_id: int) -> str:
    return f"emphasis-{dimension_id}"


def role_form(
    dimensions: Sequence[Dimension], palette_colour: str, role: Role | None = None
) -> RoleForm:
    """Build the role form with an emphasis select per dimension, filled from ``role``.

    ``palette_colour`` is the colour the role takes from the palette: the colour picker
    starts at it while the role has no colour of its own.
    """

    class ProfiledRoleForm(RoleForm):
        pass

    for dimension in dimensions:
        setattr(
            ProfiledRoleForm,
            emphasis_field_name(dimension.id),
            SelectField(
                dimension.name,
                choices=EMPHASIS_CHOICES,
                default="0",
                validate_choice=False,
                validators=[AnyOf(EMPHASIS_LEVELS, message=_("Choose 0, 1, 2 or 3."))],
                description=dimension.description,
            ),
        )
    if role is None:
        return ProfiledRoleForm(colour=palette_colour, use_palette=True)
    chosen = {e.dimension_id: e.emphasis for e in role.emphases}
    form = ProfiledRoleForm(
        obj=role,
        role_id=role.id,
        use_palette=not role.colour,
        **{emphasis_field_name(d.id): str(chosen.get(d.id, 0)) for d in dimensions},
    )
    if not form.is_submitted():
        # the role's own colour, else the one the palette gives it (the picker needs one)
        form.colour.data = role.colour or palette_colour
    return form


class MoveForm(FlaskForm):
    """Move an item one place up or down; the page's two buttons send the direction."""

    direction = SelectField(
        choices=[SelectChoice("up", _l("Up")), SelectChoice("down", _l("Down"))]
    )


class ButtonForm(FlaskForm):
    """A form that is only a button (retire, restore): its CSRF token is all it carries."""
