#!/usr/bin/env python3
"""Writes a 2,000-task playbook with roles into DIR: 20 roles x 50 tasks,
plus 1,000 tasks in the play itself, mixing the common modules."""
import os
import sys

out = sys.argv[1]
tasks = [
    "- name: run {i}\n  command: echo {i}\n  register: r{i}\n  changed_when: false\n",
    "- name: dir {i}\n  file:\n    path: \"{{{{ base }}}}/d{i}\"\n    state: directory\n    mode: \"0755\"\n",
    "- name: copy {i}\n  copy:\n    content: \"value {i}\\n\"\n    dest: \"{{{{ base }}}}/f{i}\"\n  notify: done\n",
    "- name: line {i}\n  lineinfile:\n    path: \"{{{{ base }}}}/conf\"\n    regexp: '^k{i}='\n    line: \"k{i}={{{{ item }}}}\"\n    create: true\n  loop: [a, b]\n  when: base is defined\n",
    "- name: block {i}\n  block:\n    - debug:\n        msg: \"in {i}\"\n  rescue:\n    - debug: msg=rescued\n  tags: [t{i}]\n",
]

def body(n, offset):
    return "".join(tasks[(offset + i) % len(tasks)].format(i=offset + i) for i in range(n))

def indent(text, spaces):
    pad = " " * spaces
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))

for r in range(20):
    role = os.path.join(out, "roles", f"role{r}")
    os.makedirs(os.path.join(role, "tasks"), exist_ok=True)
    os.makedirs(os.path.join(role, "defaults"), exist_ok=True)
    with open(os.path.join(role, "tasks", "main.yml"), "w") as f:
        f.write(body(50, r * 50))
    with open(os.path.join(role, "defaults", "main.yml"), "w") as f:
        f.write(f"role{r}_port: {8000 + r}\n")

with open(os.path.join(out, "big.yml"), "w") as f:
    f.write("- hosts: all\n  vars:\n    base: /tmp/bench\n  roles:\n")
    f.write("".join(f"    - role{r}\n" for r in range(20)))
    f.write("  tasks:\n")
    f.write(indent(body(1000, 1000), 4))
    f.write("  handlers:\n    - name: done\n      debug: msg=done\n")
