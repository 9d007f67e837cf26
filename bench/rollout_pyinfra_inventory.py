# pyinfra inventory for bench/rollout: the hosts of the Ansible INI inventory
# that ops/testhosts writes (DROVER_BENCH_INVENTORY, default
# /tmp/drover-bench-hosts/inventory), with the same connection settings.
#
#   pyinfra -y --parallel 50 bench/rollout_pyinfra_inventory.py bench/rollout_pyinfra.py
import os
import shlex

_path = os.environ.get("DROVER_BENCH_INVENTORY", "/tmp/drover-bench-hosts/inventory")
_hosts, _vars, _section = [], {}, None
with open(_path) as _f:
    for _line in _f:
        _line = _line.strip()
        if not _line or _line.startswith(("#", ";")):
            continue
        if _line.startswith("["):
            _section = _line.strip("[]")
            continue
        _words = shlex.split(_line)
        if _section == "testhosts":
            _hosts.append((_words[0], dict(w.split("=", 1) for w in _words[1:])))
        elif _section == "testhosts:vars":
            _key, _value = _line.split("=", 1)
            _vars[_key] = shlex.split(_value)[0] if _value.startswith("'") else _value

_known_hosts = next(w.split("=", 1)[1] for w in _vars["ansible_ssh_common_args"].split()
                    if w.startswith("UserKnownHostsFile="))

testhosts = [
    (name, {
        "inventory_hostname": name,
        "ssh_hostname": hv["ansible_host"],
        "ssh_port": int(_vars.get("ansible_port", 22)),
        "ssh_user": _vars["ansible_user"],
        "ssh_key": _vars["ansible_ssh_private_key_file"],
        "ssh_known_hosts_file": _known_hosts,
        "ssh_strict_host_key_checking": "yes",
        "testhost_dir": hv["testhost_dir"],
        "ansible_host": hv["ansible_host"],
    })
    for name, hv in _hosts
]
