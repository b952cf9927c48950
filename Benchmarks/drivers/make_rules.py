#!/usr/bin/env python3
"""Writes the scenario of benchmark 8: COUNT rules, none of which matches the benchmark request.

The benchmark request is run.sh's generations request: POST /v1/images/generations,
{"model":"gpt-image-1.5","prompt":"bench","size":"1024x1024","quality":"low"}, key sk-bench,
Content-Type application/json. No rule matches it, so the matcher evaluates every rule on every
request (the worst case for a scenario of that size). The rules cycle through eight shapes, so
every kind of condition is exercised:

  0  prompt contains a word the prompt lacks
  1  prompt matches a regular expression (case-insensitive, word boundaries) that fails
  2  params: size equals another size
  3  headers: a test header (absent from the request) equals a value
  4  headers: content-type contains a fragment it lacks (the header is present, so it is compared)
  5  endpoint edits + prompt contains (the endpoint fails first; the prompt is still compared)
  6  model dall-e-3 + params quality hd + headers content-type matching a regex that fails
  7  key (another key) + prompt equals another prompt

Usage: make_rules.py --count 1000 --out FILE
"""
import argparse

SIZES = ["256x256", "512x512", "1536x1024", "1024x1536", "1792x1024", "1024x1792"]


def rule(index):
    name = f"r{index}"
    shape = index % 8
    if shape == 0:
        when = f"{{ prompt: {{ contains: 'never-{index}' }} }}"
    elif shape == 1:
        when = f"{{ prompt: {{ matches: '(?i)\\b(never|nowhere){index}\\b' }} }}"
    elif shape == 2:
        when = f"{{ params: {{ size: '{SIZES[index % len(SIZES)]}' }} }}"
    elif shape == 3:
        when = f"{{ headers: {{ x-bench-case: 'case-{index}' }} }}"
    elif shape == 4:
        when = f"{{ headers: {{ content-type: {{ contains: 'xml-{index}' }} }} }}"
    elif shape == 5:
        when = f"{{ endpoint: edits, prompt: {{ contains: 'edit-{index}' }} }}"
    elif shape == 6:
        when = (f"{{ model: dall-e-3, params: {{ quality: hd }}, "
                f"headers: {{ content-type: {{ matches: '^text/(plain|csv){index}$' }} }} }}")
    else:
        when = f"{{ key: [sk-other-{index}], prompt: {{ equals: 'bench {index}' }} }}"
    return f"  - name: {name}\n    when: {when}\n    respond: {{ error: server_error }}\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--out", required=True)
    options = parser.parse_args()
    with open(options.out, "w") as out:
        out.write(f"# {options.count} rules that never match the benchmark request (written by make_rules.py)\n")
        out.write("version: 1\nname: bench-rules\nrules:" + ("\n" if options.count > 0 else " []\n"))
        for index in range(1, options.count + 1):
            out.write(rule(index))


if __name__ == "__main__":
    main()
