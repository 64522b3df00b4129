"""HTML read as a tree (the standard library's html.parser), so that tests find elements rather than cut strings.

page = parse(response.content.decode())
body = page.find("tbody")
names = [a.text for a in body.find_all("a") if a["href"].startswith("/localities/")]
chart = page.find("svg", aria_labelledby="rates-01-title rates-01-desc")
"""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    def __getitem__(self, name: str) -> str:
        return self.attrs[name]

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"

    @property
    def text(self) -> str:
        """The element's text, its white space collapsed as a browser shows it."""
        return " ".join("".join(self._texts()).split())

    def _texts(self):
        for child in self.children:
            if isinstance(child, str):
                yield child
            else:
                yield from child._texts()

    def elements(self):
        """The descendants, in document order."""
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.elements()

    def find_all(self, tag: str | None = None, *, class_: str | None = None, **attrs) -> list[Element]:
        """Descendants by tag, a class among theirs, and attribute values (aria_labelledby= for aria-labelledby)."""
        wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
        return [
            element
            for element in self.elements()
            if (tag is None or element.tag == tag)
            and (class_ is None or class_ in element.get("class", "").split())
            and all(element.get(name) == value for name, value in wanted.items())
        ]

    def find(self, tag: str | None = None, **criteria) -> Element:
        """The one descendant that matches: an AssertionError if there is none or more than one."""
        found = self.find_all(tag, **criteria)
        assert len(found) == 1, f"{len(found)} elements {tag} {criteria}"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, {name: value or "" for name, value in attrs}, self.current))

    def handle_endtag(self, tag):
        open_element = self.current
        while open_element is not self.root and open_element.tag != tag:
            open_element = open_element.parent
        if open_element is not self.root:  # an end tag without its start is ignored, as browsers do
            self.current = open_element.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root
