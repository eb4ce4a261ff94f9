"""Griffe extension: the zoo's docstring examples rendered as code.

The zoo's docstrings write examples two ways (DESIGN.md: "a 3-line usage example"):

- an ``Example:`` section whose indented body is plain Python (no ``>>>``); Google style
  would render that body as a paragraph, so it is fenced as a ``python`` code block;
- a ``>>>`` session in the running text of a module docstring; Markdown would read ``>>>``
  as nested quotes (and ``x["eval"]["fid"]`` as a reference link), so the session is fenced
  as a ``pycon`` block.

``Examples:`` sections written with ``>>>`` are left to griffe, which already renders them.
The docstring text in the source is untouched.
"""

import re

import griffe

_SECTION = re.compile(r"^(\s*)Examples?:\s*$")


def _indent(line):
    return len(line) - len(line.lstrip())


def fence_examples(text):
    """The docstring `text` with its examples fenced (see the module docstring)."""
    lines, out, i, fenced = text.split("\n"), [], 0, False
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("```"):
            fenced = not fenced
            out.append(line)
            i += 1
            continue
        match = None if fenced else _SECTION.match(line)
        if match:
            j = i + 1
            while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > len(match.group(1))):
                j += 1
            while j > i + 1 and not lines[j - 1].strip():
                j -= 1
            body = lines[i + 1:j]
            out.append(line)
            if body and not any(b.lstrip().startswith(">>>") for b in body):
                pad = " " * min(_indent(b) for b in body if b.strip())
                out += [pad + "```python", *body, pad + "```"]
            else:
                out += body
            i = j
            continue
        if not fenced and line.lstrip().startswith(">>>"):
            pad = " " * _indent(line)
            j = i
            while j < len(lines) and lines[j].strip():
                j += 1
            out += [pad + "```pycon", *lines[i:j], pad + "```"]
            i = j
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


class FenceExamples(griffe.Extension):
    """Fence the examples of every docstring griffe loads."""

    def on_instance(self, *, obj, **kwargs):
        if obj.docstring is not None:
            obj.docstring.value = fence_examples(obj.docstring.value)
