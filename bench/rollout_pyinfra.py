# bench/rollout.yml as a pyinfra deploy: the same 10 steps, the same files.
# Values the playbook registers (uname -r, the stat, the digest) are read on
# the host with pyinfra's own means: a fact (uname, before the operations) and
# python.call callbacks (at execution time, after the files are written).
#
#   ROLLOUT_PAYLOAD=/path/to/64KiB-file pyinfra -y --parallel 50 \
#       bench/rollout_pyinfra_inventory.py bench/rollout_pyinfra.py
import io
import os

from pyinfra import host
from pyinfra.facts.files import File
from pyinfra.facts.server import Command
from pyinfra.operations import files, python, server

payload = os.environ["ROLLOUT_PAYLOAD"]
app = host.data.testhost_dir + "/rollout/app"
registered = {}

# 1. command: uname -r, registered
kernel = host.get_fact(Command, "uname -r")

# 2. file: directory
files.directory(name="application directory", path=app, mode="755")

# 3. copy: the 64 KiB payload
files.put(name="payload (64 KiB)", src=payload, dest=app + "/payload.bin", mode="644")

# 4. copy with templated content
config = (
    "# managed by the rollout benchmark\n"
    f"host = {host.data.inventory_hostname}\n"
    f"address = {host.data.ansible_host}\n"
    f"kernel = {kernel}\n"
    f"root = {app}\n"
)
files.put(name="configuration", src=io.StringIO(config), dest=app + "/app.conf", mode="644")

# 5. lineinfile (create the file like lineinfile's create: true)
files.file(name="settings file", path=app + "/settings.ini", touch=False, mode="644")
files.line(name="worker setting", path=app + "/settings.ini", line="^workers=.*$", replace="workers=4")


# 6. stat, registered
def stat_payload():
    registered["payload"] = host.get_fact(File, path=app + "/payload.bin")


python.call(name="payload status", function=stat_payload)


# 7. shell: sha256sum | cut, registered
def digest_payload():
    ok, out = host.run_shell_command(f"sha256sum {app}/payload.bin | cut -d' ' -f1")
    assert ok, out.stderr
    registered["digest"] = out.stdout.strip()


python.call(name="payload digest", function=digest_payload)

# 8. command: df
server.shell(name="disk space", commands=[f"df -P {app}"])

# 9. file: absent
files.file(name="stale file removed", path=app + "/stale.tmp", present=False)


# 10. shell: smoke test (uses the registered values)
def smoke_test():
    ok, out = host.run_shell_command(
        f"cd {app} && "
        "test \"$(cat payload.bin | wc -c)\" -eq 65536 && "
        "grep -qx 'workers=4' settings.ini && "
        f"grep -qx 'host = {host.data.inventory_hostname}' app.conf && "
        f"test \"{registered['payload']['size']}\" -eq 65536 && "
        f"test \"$(sha256sum < payload.bin | cut -d' ' -f1)\" = \"{registered['digest']}\""
    )
    assert ok, f"smoke test failed: {out.stderr}"


python.call(name="smoke test", function=smoke_test)
