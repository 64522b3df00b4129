"""A page's HTML read as a tree (the standard library's html.parser): tests find an element by its id, tag or
attributes and check its text, or its markup with `assertInHTML`, instead of cutting the page's string apart.

    page = parse(response)
    row = page.by_id("part-hung-yen-phu-cu")
    assert "Phù Cừ" in row.text
    assertInHTML("<del>29.609</del>", row.html)
"""

import re
from html import escape
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: "Element | None" = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"

    def iter(self):
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def _matches(self, tag, attrs) -> bool:
        if tag is not None and self.tag != tag:
            return False
        for name, wanted in attrs.items():
            value = self.attrs.get(name)
            if name == "class" and value is not None:
                if wanted not in value.split():
                    return False
            elif wanted is True:
                if name not in self.attrs:
                    return False
            elif value != wanted:
                return False
        return True

    def find_all(self, tag: str | None = None, **attrs) -> list["Element"]:
        """The elements inside this one (not itself) with the tag and attributes; `class_="x"` is one of the
        classes, `data_state="…"` the attribute data-state, a value True only says the attribute is there."""
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        return [element for element in self.iter() if element is not self and element._matches(tag, wanted)]

    def find(self, tag: str | None = None, **attrs) -> "Element":
        """The first such element; fails the test when there is none."""
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag or '*'} {attrs}> in {self!r}"
        return found[0]

    def by_id(self, id_: str) -> "Element":
        return self.find(id=id_)

    def next_sibling(self, tag: str | None = None) -> "Element":
        """The next element beside this one (with the tag): the table that follows a heading."""
        siblings = self.parent.children
        for child in siblings[siblings.index(self) + 1 :]:
            if isinstance(child, Element) and (tag is None or child.tag == tag):
                return child
        raise AssertionError(f"no <{tag or '*'}> after {self!r}")

    @property
    def text(self) -> str:
        """The visible text, its whitespace collapsed."""
        parts = []

        def walk(element):
            for child in element.children:
                if isinstance(child, str):
                    parts.append(child)
                else:
                    walk(child)

        walk(self)
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    @property
    def inner_html(self) -> str:
        return "".join(
            child.html if isinstance(child, Element) else escape(child, quote=False) for child in self.children
        )

    @property
    def html(self) -> str:
        """The element's markup (attributes re-escaped), for `assertInHTML` and `assertHTMLEqual`."""
        attrs = "".join(
            f" {name}" if value is None else f' {name}="{escape(value)}"' for name, value in self.attrs.items()
        )
        if self.tag in VOID:
            return f"<{self.tag}{attrs}>"
        return f"<{self.tag}{attrs}>{self.inner_html}</{self.tag}>"


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        element = self.current
        while element is not self.root and element.tag != tag:
            element = element.parent
        if element is not self.root:  # a stray end tag is ignored, as a browser does
            self.current = element.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(page) -> Element:
    """The tree of a response's content, or of an HTML string."""
    if not isinstance(page, str):
        page = page.content.decode()
    builder = _TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root
