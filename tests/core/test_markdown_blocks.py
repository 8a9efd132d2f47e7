from quiz.core.markdown_blocks import Span, read_blocks, spans

DOC = """# Title

Some `code` and **strong** and *em* with a [link](other.md).
Same paragraph.

- first item
  goes on
- second
  - nested

1. one
2. two

| field | rule |
|-------|------|
| `a`   | must be 1 |

```json
{"a": 1}
```
"""


def test_inline_pieces_are_told_apart_and_links_keep_their_text() -> None:
    assert spans("a `b` **c** *d* [e](f)") == [
        Span("text", "a "),
        Span("code", "b"),
        Span("text", " "),
        Span("strong", "c"),
        Span("text", " "),
        Span("em", "d"),
        Span("text", " "),
        Span("text", "e"),
    ]


def test_a_document_is_read_into_its_blocks_in_order() -> None:
    blocks = read_blocks(DOC)
    assert [b.kind for b in blocks] == ["heading", "paragraph", "list", "list", "table", "code"]
    assert blocks[0].level == 1 and blocks[0].lines == [[Span("text", "Title")]]
    paragraph = blocks[1].lines[0]
    assert paragraph[-1] == Span("text", ". Same paragraph.")
    assert [[s.text for s in item] for item in blocks[2].lines] == [
        ["first item goes on"],
        ["second"],
        ["\u2003– nested"],
    ]
    assert blocks[3].ordered and len(blocks[3].lines) == 2
    assert blocks[4].rows == [
        [[Span("text", "field")], [Span("text", "rule")]],
        [[Span("code", "a")], [Span("text", "must be 1")]],
    ]
    assert blocks[5].code == '{"a": 1}'


def test_markup_in_a_document_stays_text() -> None:
    (block,) = read_blocks("<script>alert(1)</script> & more")
    assert block.lines == [[Span("text", "<script>alert(1)</script> & more")]]
