#!/usr/bin/env python3
"""Generate Drover's Jinja2 conformance data from real Jinja2.

Reads ops/jinja-conformance/cases.yaml, renders every case with Jinja2
configured the way Ansible configures it (trim_blocks, keep_trailing_newline,
an undefined that errors on use but chains attribute access, None rendered
as ''), plus small re-implementations of the Ansible-only filters and tests
(written from Ansible's documentation; ansible-core is not needed), and
writes Tests/DroverCoreTests/Fixtures/template/conformance.json.

Usage: python3 ops/jinja-conformance/generate.py
Needs: Jinja2 3.1.x and PyYAML.
"""
import base64
import hashlib
import itertools
import json
import os
import re
import shlex
import sys
import uuid

import jinja2
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "Tests/DroverCoreTests/Fixtures/template/conformance.json")
LOOKUP_DIR = os.path.join(ROOT, "Tests/DroverCoreTests/Fixtures/template/lookup")
ENVIRONMENT = {"HOME": "/home/drover", "LANG": "C.UTF-8", "EMPTY": ""}


class FilterError(Exception):
    """An Ansible filter refusing its input (AnsibleFilterError)."""


class AnsibleLikeUndefined(jinja2.StrictUndefined):
    """Errors when used, but `undefined.attr` stays undefined (so
    `foo.bar | default(1)` works), as Ansible's AnsibleUndefined does."""

    def __getattr__(self, name):
        if name[:2] == "__":
            raise AttributeError(name)
        return self

    def __getitem__(self, key):
        return self


# ---------------------------------------------------------------- filters

def f_bool(a):
    if a is None or isinstance(a, bool):
        return a
    if isinstance(a, str):
        a = a.lower()
    return a in ("yes", "on", "1", "true", 1)


def f_to_json(a, **kw):
    return json.dumps(a, **kw)


def f_to_nice_json(a, indent=4, sort_keys=True, **kw):
    return json.dumps(a, indent=indent, sort_keys=sort_keys, separators=(",", ": "), **kw)


def f_to_yaml(a, **kw):
    kw.setdefault("default_flow_style", None)
    return yaml.dump(a, allow_unicode=True, **kw)


def f_to_nice_yaml(a, indent=4, **kw):
    return yaml.dump(a, indent=indent, allow_unicode=True, default_flow_style=False, **kw)


def f_from_yaml(a):
    if isinstance(a, str):
        return yaml.safe_load(a)
    return a


def _flags(ignorecase, multiline):
    flags = 0
    if ignorecase:
        flags |= re.I
    if multiline:
        flags |= re.M
    return flags


def f_regex_replace(value="", pattern="", replacement="", ignorecase=False, multiline=False, count=0,
                    mandatory_count=0):
    value = str(value)
    flags = _flags(ignorecase, multiline)
    if mandatory_count:
        found = len(re.findall(pattern, value, flags))
        if found != mandatory_count:
            raise FilterError("'%s' should match %d times, but matches %d times" % (pattern, mandatory_count, found))
    return re.sub(pattern, replacement, value, count=count, flags=flags)


def f_regex_search(value, regex, *args, **kwargs):
    groups = []
    for arg in args:
        if arg.startswith("\\g"):
            groups.append(re.match(r"\\g<(\S+)>", arg).group(1))
        elif arg.startswith("\\"):
            groups.append(int(re.match(r"\\(\d+)", arg).group(1)))
        else:
            raise FilterError("Unknown argument")
    m = re.search(regex, str(value), _flags(kwargs.get("ignorecase"), kwargs.get("multiline")))
    if not m:
        return None
    if not groups:
        return m.group()
    return [m.group(g) for g in groups]


def f_regex_findall(value, regex, ignorecase=False, multiline=False):
    return [list(x) if isinstance(x, tuple) else x for x in re.findall(regex, str(value), _flags(ignorecase, multiline))]


def f_regex_escape(s, re_type="python"):
    if re_type == "python":
        return re.escape(s)
    if re_type == "posix_basic":
        return "".join("\\" + c if c in "[].^$*\\" else c for c in s)
    raise FilterError("unsupported re_type")


def f_ternary(value, true_val, false_val, none_val=None):
    if value is None and none_val is not None:
        return none_val
    return true_val if bool(value) else false_val


def f_flatten(mylist, levels=None, skip_nulls=True):
    out = []
    for element in mylist:
        if skip_nulls and element in (None, "None", "null"):
            continue
        if isinstance(element, (list, tuple)):
            if levels is None:
                out.extend(f_flatten(element, skip_nulls=skip_nulls))
            elif levels >= 1:
                out.extend(f_flatten(element, levels=int(levels) - 1, skip_nulls=skip_nulls))
            else:
                out.append(element)
        else:
            out.append(element)
    return out


def _merge(a, b, recursive, list_merge):
    out = dict(a)
    for k, new in b.items():
        old = out.get(k)
        if recursive and isinstance(old, dict) and isinstance(new, dict):
            out[k] = _merge(old, new, recursive, list_merge)
        elif isinstance(old, list) and isinstance(new, list):
            if list_merge == "keep":
                pass
            elif list_merge == "append":
                out[k] = old + new
            elif list_merge == "prepend":
                out[k] = new + old
            elif list_merge == "append_rp":
                out[k] = [x for x in old if x not in new] + new
            elif list_merge == "prepend_rp":
                out[k] = new + [x for x in old if x not in new]
            else:
                out[k] = new
        else:
            out[k] = new
    return out


def f_combine(*terms, **kwargs):
    recursive = kwargs.pop("recursive", False)
    list_merge = kwargs.pop("list_merge", "replace")
    if kwargs:
        raise FilterError("unexpected arguments")
    dicts = f_flatten(terms, levels=1, skip_nulls=False)
    out = {}
    for d in dicts:
        if not isinstance(d, dict):
            raise FilterError("combine expects dictionaries")
        out = _merge(out, d, recursive, list_merge)
    return out


def f_dict2items(d, key_name="key", value_name="value"):
    if not isinstance(d, dict):
        raise FilterError("dict2items requires a dictionary")
    return [{key_name: k, value_name: v} for k, v in d.items()]


def f_items2dict(items, key_name="key", value_name="value"):
    try:
        return dict((i[key_name], i[value_name]) for i in items)
    except (KeyError, TypeError) as e:
        raise FilterError(str(e))


def f_mandatory(a, msg=None):
    if isinstance(a, jinja2.Undefined):
        raise FilterError(msg or "Mandatory variable not defined.")
    return a


def _unique(items):
    out = []
    for x in items:
        if x not in out:
            out.append(x)
    return out


def f_union(a, b):
    return _unique(list(a) + list(b))


def f_intersect(a, b):
    return _unique([x for x in a if x in b])


def f_difference(a, b):
    return _unique([x for x in a if x not in b])


def f_symmetric_difference(a, b):
    both = f_intersect(a, b)
    return [x for x in f_union(a, b) if x not in both]


def f_hash(s, hashtype="sha1"):
    if hashtype not in ("md5", "sha1", "sha256"):
        raise FilterError("unsupported hash type")
    return hashlib.new(hashtype, str(s).encode("utf-8")).hexdigest()


def f_b64decode(s, encoding="utf-8"):
    return base64.b64decode(s).decode(encoding)


def f_split(s, separator=None, maxsplit=-1):
    return s.split(separator, maxsplit)


def f_path_join(paths):
    if isinstance(paths, str):
        return os.path.join(paths)
    return os.path.join(*paths)


def f_extract(item, container, morekeys=None):
    value = container[item]
    if morekeys is not None:
        if not isinstance(morekeys, list):
            morekeys = [morekeys]
        for k in morekeys:
            value = value[k]
    return value


def f_type_debug(o):
    return "AnsibleUnicode" if isinstance(o, str) else o.__class__.__name__


def f_zip(*args):
    return [list(t) for t in zip(*args)]


def f_zip_longest(*args, fillvalue=None):
    return [list(t) for t in itertools.zip_longest(*args, fillvalue=fillvalue)]


def f_to_uuid(s, namespace="361E6D51-FAEC-444A-9079-341386DA8E2E"):
    return str(uuid.uuid5(uuid.UUID(namespace), str(s)))


def f_product(*args, repeat=1):
    return [list(t) for t in itertools.product(*args, repeat=repeat)]


def f_subelements(obj, subelements, skip_missing=False):
    out = []
    for item in obj:
        value = item
        try:
            for key in subelements.split("."):
                value = value[key]
        except (KeyError, TypeError):
            if skip_missing:
                continue
            raise FilterError("could not find %r key in iterated item %r" % (subelements, item))
        if not isinstance(value, list):
            raise FilterError("the key %s should point to a list" % subelements)
        out.extend([item, v] for v in value)
    return out


def f_quote(a):
    return shlex.quote("" if a is None else str(a))


FILTERS = {
    "bool": f_bool, "to_json": f_to_json, "to_nice_json": f_to_nice_json, "from_json": json.loads,
    "to_yaml": f_to_yaml, "to_nice_yaml": f_to_nice_yaml, "from_yaml": f_from_yaml,
    "regex_replace": f_regex_replace, "regex_search": f_regex_search, "regex_findall": f_regex_findall,
    "regex_escape": f_regex_escape, "ternary": f_ternary, "flatten": f_flatten, "combine": f_combine,
    "dict2items": f_dict2items, "items2dict": f_items2dict, "mandatory": f_mandatory,
    "union": f_union, "intersect": f_intersect, "difference": f_difference,
    "symmetric_difference": f_symmetric_difference,
    "b64encode": lambda s, encoding="utf-8": base64.b64encode(str(s).encode(encoding)).decode("ascii"),
    "b64decode": f_b64decode, "hash": f_hash, "checksum": lambda s: f_hash(s, "sha1"),
    "md5": lambda s: f_hash(s, "md5"), "sha1": lambda s: f_hash(s, "sha1"),
    "quote": f_quote, "basename": os.path.basename, "dirname": os.path.dirname,
    "splitext": lambda p: list(os.path.splitext(p)), "path_join": f_path_join, "split": f_split,
    "extract": f_extract, "type_debug": f_type_debug, "zip": f_zip, "zip_longest": f_zip_longest,
    "to_uuid": f_to_uuid, "product": f_product, "subelements": f_subelements,
}
for _name in list(FILTERS):
    FILTERS["ansible.builtin." + _name] = FILTERS[_name]

# ------------------------------------------------------------------ tests


def _regex_test(value, pattern="", ignorecase=False, multiline=False, match_type="search"):
    if not isinstance(value, str):
        raise FilterError("regex tests need a string")
    return bool(getattr(re, match_type)(pattern, value, _flags(ignorecase, multiline)))


class LooseVersion:
    component_re = re.compile(r"(\d+ | [a-z]+ | \.)", re.VERBOSE)

    def __init__(self, s):
        parts = [x for x in self.component_re.split(s) if x and x != "."]
        self.version = [int(p) if p.isdigit() else p for p in parts]


def _strict(s):
    m = re.match(r"^(\d+)\.(\d+)(\.(\d+))?([ab](\d+))?$", s)
    if not m:
        raise ValueError("invalid version number '%s'" % s)
    major, minor, patch = int(m.group(1)), int(m.group(2)), int(m.group(4) or 0)
    pre = (m.group(5)[0], int(m.group(6))) if m.group(5) else None
    return (major, minor, patch), pre


def _cmp_strict(a, b):
    (x, px), (y, py) = _strict(a), _strict(b)
    if x != y:
        return -1 if x < y else 1
    if px == py:
        return 0
    if px is None:
        return 1
    if py is None:
        return -1
    return -1 if px < py else 1


OPS = {"==": 0, "=": 0, "eq": 0, "<": 1, "lt": 1, "<=": 2, "le": 2, ">": 3, "gt": 3, ">=": 4, "ge": 4,
       "!=": 5, "<>": 5, "ne": 5}


def t_version(value, version, operator="eq", strict=None, version_type=None):
    if not value:
        raise FilterError("Input version value cannot be empty")
    if not version:
        raise FilterError("Version parameter to compare against cannot be empty")
    if operator not in OPS:
        raise FilterError("Invalid operator type")
    kind = "strict" if strict else (version_type or "loose")
    try:
        if kind == "strict":
            c = _cmp_strict(str(value), str(version))
        elif kind == "loose":
            a, b = LooseVersion(str(value)).version, LooseVersion(str(version)).version
            c = (a > b) - (a < b)
        else:
            raise ValueError("unsupported version_type")
    except Exception as e:
        raise FilterError("Version comparison failed: %s" % e)
    return [c == 0, c < 0, c <= 0, c > 0, c >= 0, c != 0][OPS[operator]]


def _result(key):
    def test(result):
        if not isinstance(result, dict):
            raise FilterError("expects a dictionary")
        if key == "changed" and "changed" not in result and isinstance(result.get("results"), list):
            return any(isinstance(r, dict) and r.get("changed") for r in result["results"])
        return bool(result.get(key, False))
    return test


def t_truthy(value, convert_bool=False):
    if convert_bool and isinstance(value, str):
        return bool(f_bool(value))
    return bool(value)


TESTS = {
    "match": lambda v, p, ignorecase=False, multiline=False: _regex_test(v, p, ignorecase, multiline, "match"),
    "search": lambda v, p, ignorecase=False, multiline=False: _regex_test(v, p, ignorecase, multiline, "search"),
    "regex": _regex_test, "version": t_version, "version_compare": t_version,
    "success": lambda r: not _result("failed")(r), "succeeded": lambda r: not _result("failed")(r),
    "failed": _result("failed"), "failure": _result("failed"),
    "changed": _result("changed"), "change": _result("changed"),
    "skipped": _result("skipped"), "skip": _result("skipped"),
    "subset": lambda a, b: set(a) <= set(b), "superset": lambda a, b: set(a) >= set(b),
    "contains": lambda seq, v: v in seq, "any": any, "all": all,
    "truthy": t_truthy, "falsy": lambda v, convert_bool=False: not t_truthy(v, convert_bool),
    "abs": lambda p: os.path.isabs(str(p)),
    "file": lambda p: os.path.isfile(p), "directory": lambda p: os.path.isdir(p),
    "link": lambda p: os.path.islink(p), "exists": lambda p: os.path.exists(p),
}

# ---------------------------------------------------------------- lookups


def make_lookup(variables, want_list_default):
    def lookup(name, *terms, wantlist=False, errors="strict", default=None, **kw):
        out = []
        try:
            if name == "env":
                out = [ENVIRONMENT.get(t, "" if default is None else default) for t in terms]
            elif name == "file":
                for t in terms:
                    path = os.path.join(LOOKUP_DIR, t)
                    if not os.path.isfile(path):
                        raise FilterError("could not locate file in lookup: %s" % t)
                    with open(path, encoding="utf-8") as fh:
                        out.append(fh.read().rstrip())
            elif name == "vars":
                for t in terms:
                    if t in variables:
                        out.append(variables[t])
                    elif default is not None:
                        out.append(default)
                    else:
                        raise FilterError("No variable found with this name: %s" % t)
            elif name in ("items", "list"):
                out = f_flatten(list(terms), levels=1, skip_nulls=False) if name == "items" else list(terms)
            else:
                raise FilterError("lookup plugin (%s) not found" % name)
        except FilterError:
            if errors == "strict":
                raise
            return [] if (want_list_default or wantlist) else None
        if want_list_default or wantlist or name in ("items", "list"):
            return out
        if len(out) == 1:
            return out[0]
        return ",".join(str(x) for x in out)
    return lookup


# ------------------------------------------------------------------ render


def make_env():
    env = jinja2.Environment(
        trim_blocks=True,
        keep_trailing_newline=True,
        undefined=AnsibleLikeUndefined,
        finalize=lambda x: "" if x is None else x,
        loader=jinja2.FileSystemLoader(LOOKUP_DIR),
    )
    env.filters.update(FILTERS)
    env.tests.update(TESTS)
    return env


def classify(exc):
    if isinstance(exc, jinja2.TemplateAssertionError):
        msg = str(exc)
        if "No filter named" in msg:
            return "unknownFilter"
        if "No test named" in msg:
            return "unknownTest"
        return "syntax"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return "syntax"
    if isinstance(exc, jinja2.UndefinedError):
        return "undefined"
    return "error"


def expand(spec):
    """cases.yaml groups: {group, exprs: [...], templates: [...],
    cases: [{t|e, vars?, drover?, drover_error?, reason?}]}."""
    out = []
    group = spec["group"]
    for e in spec.get("exprs", []):
        out.append({"group": group, "template": "{{ %s }}" % e})
    for t in spec.get("templates", []):
        out.append({"group": group, "template": t})
    for c in spec.get("cases", []):
        case = {"group": group, "template": c["t"] if "t" in c else "{{ %s }}" % c["e"]}
        for key in ("vars", "drover", "drover_error", "reason"):
            if key in c:
                case[key] = c[key]
        out.append(case)
    return out


def main():
    with open(os.path.join(HERE, "cases.yaml"), encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)
    shared = spec["vars"]
    env = make_env()
    results = []
    for group in spec["groups"]:
        for case in expand(group):
            variables = dict(shared)
            variables.update(case.get("vars", {}))
            entry = {"id": len(results) + 1, "group": case["group"], "template": case["template"]}
            if "vars" in case:
                entry["vars"] = case["vars"]
            try:
                env.globals["lookup"] = make_lookup(variables, False)
                env.globals["query"] = env.globals["q"] = make_lookup(variables, True)
                entry["expected"] = env.from_string(case["template"]).render(variables)
            except Exception as exc:  # noqa: BLE001 - every failure is data
                entry["error"] = classify(exc)
                entry["jinja_message"] = "%s: %s" % (type(exc).__name__, exc)
            for key in ("drover", "drover_error", "reason"):
                if key in case:
                    entry[key] = case[key]
            results.append(entry)
    doc = {
        "generated_by": "ops/jinja-conformance/generate.py",
        "jinja2_version": jinja2.__version__,
        "environment": ENVIRONMENT,
        "vars": shared,
        "cases": results,
    }
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    errors = sum(1 for r in results if "error" in r)
    print("wrote %d cases (%d expected errors) to %s" % (len(results), errors, os.path.relpath(OUT, ROOT)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
