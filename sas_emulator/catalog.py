"""Alert types, alert names, detail fields and whitelist fields the emulator knows.

Type names are the SDK's ParentEventTypes list with the zh names of the DescribeSuspEvents page; the
operations each alert name offers follow the HandleSecurityEvents operation codes and the actions the
[3P] alert-handler workflow recommends per alert type.
Alert names are realistic console names; the en/zh pairs are [GUESS] where the docs give none.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import constants as C


@dataclass(frozen=True)
class AlertType:
    key: str
    en: str  # the SDK comment's name (reading alert_type_vocabulary=en)
    zh: str  # the zh DescribeSuspEvents page's name (reading zh)
    code: str  # a short code (reading code): WEBSHELL from the C# SDK sample [3P], the others [GUESS]


# ParentEventTypes / AlarmEventType values [SDK][DOC zh].
ALERT_TYPES: dict[str, AlertType] = {t.key: t for t in (
    AlertType("unusual_logon", "Unusual logon", "异常登录", "LOGIN"),
    AlertType("web_shell", "Web shell", "网站后门", "WEBSHELL"),
    AlertType("malicious_process_cloud", "Malicious process (cloud scan)", "恶意进程(云查杀)", "MALWARE"),
    AlertType("malicious_process_local", "Malicious process (local scan)", "恶意进程(本地查杀)", "MALWARE_LOCAL"),
    AlertType("abnormal_process", "Abnormal process behavior", "进程异常行为", "PROCESS"),
    AlertType("suspicious_network", "Suspicious network connection", "异常网络连接", "NETWORK"),
    AlertType("container_cluster", "Container cluster anomalies", "容器集群异常", "CONTAINER"),
    AlertType("cloud_threat", "Cloud service threat detection", "云产品威胁检测", "CLOUD_THREAT"),
    AlertType("persistent_backdoor", "Persistent backdoor", "持久化后门", "PERSISTENCE"),
    AlertType("sensitive_file", "Sensitive file tampering", "敏感文件篡改", "FILE_TAMPER"),
    AlertType("abnormal_account", "Abnormal accounts", "异常账号", "ACCOUNT"),
    AlertType("precise_defense", "Precise defense", "精准防御", "PRECISE_DEFENSE"),
    AlertType("web_app_threat", "Web application threat detection", "Web 应用威胁检测", "WEB_APP_THREAT"),
)}
# "Others" (其他, the zh page's example code `other`) is a documented type no emulated alert has: a filter
# for it matches nothing in any vocabulary.
OTHER_TYPE = AlertType("other", "Others", "其他", "other")


def type_name(alert_type: AlertType, vocabulary: str) -> str:
    """The name of an alert type in one ParentEventTypes vocabulary (zh, en or code)."""
    return {"zh": alert_type.zh, "en": alert_type.en, "code": alert_type.code}[vocabulary]


@dataclass(frozen=True)
class Tactic:
    id: str
    en: str
    zh: str


TACTICS: dict[str, Tactic] = {t.id: t for t in (
    Tactic("TA0001", "Initial Access", "初始访问"),
    Tactic("TA0002", "Execution", "执行"),
    Tactic("TA0003", "Persistence", "持久化"),
    Tactic("TA0004", "Privilege Escalation", "权限提升"),
    Tactic("TA0005", "Defense Evasion", "防御绕过"),
    Tactic("TA0006", "Credential Access", "凭据访问"),
    Tactic("TA0011", "Command and Control", "命令与控制"),
    Tactic("TA0040", "Impact", "影响破坏"),
)}

# Detail rows (Details[].NameDisplay) by key: (en, zh).
DETAIL_FIELDS: dict[str, tuple[str, str]] = {
    "login_source_ip": ("Logon source IP", "登录源IP"),
    "login_user": ("Logon user", "登录用户"),
    "login_time": ("Logon time", "登录时间"),
    "login_location": ("Logon location", "登录地"),
    "usual_locations": ("Usual logon locations", "常用登录地"),
    "login_type": ("Logon type", "登录类型"),
    "failed_attempts": ("Failed attempts", "失败次数"),
    "file_path": ("File path", "文件路径"),
    "md5": ("File MD5", "文件MD5"),
    "virus_name": ("Virus name", "病毒名"),
    "trojan_type": ("Trojan type", "木马类型"),
    "process_path": ("Process path", "进程路径"),
    "cmdline": ("Command line", "命令行"),
    "pid": ("Process ID", "进程ID"),
    "parent_process": ("Parent process", "父进程"),
    "user": ("Process user", "进程用户"),
    "remote_ip": ("Remote IP", "目的IP"),
    "remote_port": ("Remote port", "目的端口"),
    "remote_domain": ("Remote domain", "目的域名"),
    "api_name": ("API called", "调用的API"),
    "access_key_id": ("AccessKey ID", "AccessKey ID"),
    "call_source_ip": ("Call source IP", "调用源IP"),
    "user_agent": ("User agent", "User-Agent"),
    "container_name": ("Container name", "容器名称"),
    "image": ("Image", "镜像"),
    "k8s_namespace": ("Namespace", "命名空间"),
    "account_name": ("Account name", "账号名"),
    "url": ("Request URL", "请求URL"),
    "rule_name": ("Defense rule", "防御规则"),
}


@dataclass(frozen=True)
class MarkFieldSpec:
    """A field an advance_mark_mis_info rule can use (DescribeSecurityEventOperations MarkFieldsSource)."""

    name: str  # FiledName (sic)
    alias_en: str
    alias_zh: str
    operates: tuple[str, ...]  # SupportedMisType
    detail_key: str  # where the alert's own value (MarkMisValue) comes from


MARK_FIELDS: dict[str, MarkFieldSpec] = {m.name: m for m in (
    MarkFieldSpec("loginSourceIp", "Logon source IP", "登录源IP", C.IP_MARK_OPERATES, "login_source_ip"),
    MarkFieldSpec("loginUser", "Logon user", "登录用户", C.STRING_MARK_OPERATES, "login_user"),
    MarkFieldSpec("filePath", "File path", "文件路径", C.STRING_MARK_OPERATES, "file_path"),
    MarkFieldSpec("md5", "File MD5", "文件MD5", (C.MARK_OPERATE_EQUAL, C.MARK_OPERATE_NOT_EQUAL), "md5"),
    MarkFieldSpec("cmdline", "Command line", "命令行", C.STRING_MARK_OPERATES, "cmdline"),
    MarkFieldSpec("procPath", "Process path", "进程路径", C.STRING_MARK_OPERATES, "process_path"),
    MarkFieldSpec("remoteIp", "Remote IP", "目的IP", C.IP_MARK_OPERATES, "remote_ip"),
)}

# Operation sets per alert family (HandleSecurityEvents codes; [3P] recommended actions per alert type).
_TRIAGE = (C.OP_ADVANCE_MARK_MIS_INFO, C.OP_IGNORE, C.OP_MANUAL_HANDLED)
OPS_LOGON = (C.OP_BLOCK_IP,) + _TRIAGE
OPS_MALWARE = (C.OP_KILL_AND_QUARA, C.OP_VIRUS_QUARA, C.OP_VIRUS_QUARA_BIN) + _TRIAGE
OPS_FILE = (C.OP_QUARA,) + _TRIAGE
OPS_PROCESS = (C.OP_KILL_PROCESS,) + _TRIAGE
OPS_PERSISTENCE = (C.OP_CLEANUP,) + _TRIAGE
OPS_REVIEW_ONLY = (C.OP_IGNORE, C.OP_MANUAL_HANDLED)  # container / cloud API: case by case
OPS_ACCOUNT = (C.OP_MARK_MIS_INFO, C.OP_IGNORE, C.OP_MANUAL_HANDLED)
OPS_DEFENSE = (C.OP_DISABLE_MALICIOUS_DEFENSE, C.OP_IGNORE, C.OP_MANUAL_HANDLED)

ASSET_ECS = "ecs"
ASSET_CONTAINER = "container"
ASSET_CLOUD = "cloud"  # account-level (cloud product) alerts carry no host


@dataclass(frozen=True)
class AlertName:
    key: str
    type_key: str
    en: str
    zh: str
    level: str
    kind: str  # which detail generator builds its Details (dataset.py)
    operations: tuple[str, ...]
    mark_fields: tuple[str, ...]
    tactic: str
    asset: str = ASSET_ECS
    process_based: bool = False  # a live process is involved (kill ops can hit ProcessNotExist)
    desc_en: str = ""
    desc_zh: str = ""


ALERT_NAMES: dict[str, AlertName] = {a.key: a for a in (
    AlertName("login_unusual_location", "unusual_logon", "ECS login from unusual location", "异地登录",
              C.LEVEL_SUSPICIOUS, "login", OPS_LOGON, ("loginSourceIp", "loginUser"), "TA0001",
              desc_en="A logon from a location this server has not been accessed from before.",
              desc_zh="服务器出现了来自非常用登录地的登录行为。"),
    AlertName("login_unusual_ip", "unusual_logon", "ECS login from unusual IP address", "非常用IP登录",
              C.LEVEL_REMIND, "login", OPS_LOGON, ("loginSourceIp", "loginUser"), "TA0001",
              desc_en="A logon from an IP address that is not on the usual list.",
              desc_zh="服务器出现了来自非常用IP的登录行为。"),
    AlertName("brute_force_success", "unusual_logon", "Brute-force attack succeeded", "暴力破解成功",
              C.LEVEL_SERIOUS, "brute_force", OPS_LOGON, ("loginSourceIp", "loginUser"), "TA0006",
              desc_en="Many failed logons from one source were followed by a successful logon.",
              desc_zh="同一来源多次登录失败后登录成功,服务器密码可能已被暴力破解。"),
    AlertName("webshell_file", "web_shell", "Web shell file detected", "发现后门(Webshell)文件",
              C.LEVEL_SERIOUS, "webshell", OPS_FILE, ("filePath", "md5"), "TA0003",
              desc_en="A web shell was found in a web directory; attackers can run commands through it.",
              desc_zh="网站目录中发现Webshell木马文件,攻击者可通过它执行命令。"),
    AlertName("mining_program", "malicious_process_cloud", "Mining program", "挖矿程序",
              C.LEVEL_SERIOUS, "miner", OPS_MALWARE, ("md5", "filePath"), "TA0040", process_based=True,
              desc_en="A cryptocurrency miner is running and consuming server resources.",
              desc_zh="服务器上运行着挖矿程序,会大量占用服务器资源。"),
    AlertName("trojan_program", "malicious_process_cloud", "Trojan program", "木马程序",
              C.LEVEL_SERIOUS, "trojan", OPS_MALWARE, ("md5", "filePath"), "TA0011", process_based=True,
              desc_en="A trojan process that can be controlled remotely is running.",
              desc_zh="服务器上运行着可被远程控制的木马进程。"),
    AlertName("ddos_trojan", "malicious_process_cloud", "DDoS trojan", "DDoS木马",
              C.LEVEL_SERIOUS, "ddos", OPS_MALWARE, ("md5", "filePath"), "TA0040", process_based=True,
              desc_en="A DDoS bot is running and can attack other hosts from this server.",
              desc_zh="服务器上运行着DDoS木马,可能被用于攻击其他主机。"),
    AlertName("self_mutating_trojan", "malicious_process_cloud", "Self-mutating trojan", "自变异木马",
              C.LEVEL_SERIOUS, "trojan", OPS_MALWARE, ("md5", "filePath"), "TA0005", process_based=True,
              desc_en="A trojan that changes its own file to evade detection.",
              desc_zh="木马会不断改变自身文件以躲避查杀。"),
    AlertName("suspicious_program", "malicious_process_local", "Suspicious program", "可疑程序",
              C.LEVEL_SUSPICIOUS, "trojan", OPS_MALWARE, ("md5", "filePath"), "TA0002", process_based=True,
              desc_en="The local engine found a program with malicious traits.",
              desc_zh="本地引擎发现具有恶意特征的程序。"),
    AlertName("reverse_shell", "abnormal_process", "Reverse shell", "反弹Shell",
              C.LEVEL_SERIOUS, "reverse_shell", OPS_PROCESS, ("cmdline", "procPath"), "TA0002", process_based=True,
              desc_en="A shell connected back to a remote host, giving it interactive control of this server.",
              desc_zh="服务器上的Shell连接到了远程主机,攻击者可交互式控制服务器。"),
    AlertName("suspicious_command", "abnormal_process", "Suspicious command execution", "执行可疑命令",
              C.LEVEL_SUSPICIOUS, "command", _TRIAGE, ("cmdline",), "TA0002",
              desc_en="A command often used by attackers was run.", desc_zh="服务器上执行了攻击者常用的命令。"),
    AlertName("encoded_command", "abnormal_process", "Suspicious encoded command", "执行可疑编码命令",
              C.LEVEL_REMIND, "encoded_command", _TRIAGE, ("cmdline",), "TA0005",
              desc_en="A base64-encoded command was decoded and run.",
              desc_zh="服务器上解码并执行了Base64编码的命令。"),
    AlertName("malicious_download_source", "suspicious_network", "Connection to malicious download source",
              "主动连接恶意下载源", C.LEVEL_SUSPICIOUS, "network", _TRIAGE, ("remoteIp",), "TA0011",
              desc_en="A process connected to an address known to host malware.",
              desc_zh="服务器上的进程主动连接了已知的恶意下载源。"),
    AlertName("mining_pool", "suspicious_network", "Connection to mining pool", "访问矿池地址",
              C.LEVEL_SERIOUS, "mining_pool", OPS_PROCESS, ("remoteIp",), "TA0040", process_based=True,
              desc_en="A process connected to a cryptocurrency mining pool.", desc_zh="服务器上的进程连接了挖矿矿池。"),
    AlertName("privileged_container", "container_cluster", "Privileged container started", "启动特权容器",
              C.LEVEL_SUSPICIOUS, "container", OPS_REVIEW_ONLY, (), "TA0004", asset=ASSET_CONTAINER,
              desc_en="A container was started with --privileged and can escape to the node.",
              desc_zh="集群中启动了特权容器,存在容器逃逸风险。"),
    AlertName("k8s_anonymous_access", "container_cluster", "Anonymous access to K8s API server",
              "K8s API Server 匿名访问", C.LEVEL_REMIND, "container", OPS_REVIEW_ONLY, (), "TA0001",
              asset=ASSET_CONTAINER,
              desc_en="The API server answered an anonymous request.", desc_zh="K8s API Server 响应了匿名请求。"),
    AlertName("suspicious_api_call", "cloud_threat", "Suspicious API call", "可疑API调用",
              C.LEVEL_SUSPICIOUS, "api_call", OPS_REVIEW_ONLY, (), "TA0001", asset=ASSET_CLOUD,
              desc_en="An AccessKey called an API from an unusual source.",
              desc_zh="AccessKey 从异常来源调用了云产品API。"),
    AlertName("ak_leak_use", "cloud_threat", "Leaked AccessKey used", "泄露的AccessKey被使用",
              C.LEVEL_SERIOUS, "api_call", OPS_REVIEW_ONLY, (), "TA0006", asset=ASSET_CLOUD,
              desc_en="An AccessKey found in a public leak was used to call APIs.",
              desc_zh="已在公开渠道泄露的AccessKey被用于调用API。"),
    AlertName("malicious_cron", "persistent_backdoor", "Malicious crontab task", "恶意定时任务",
              C.LEVEL_SERIOUS, "cron", OPS_PERSISTENCE, ("cmdline",), "TA0003",
              desc_en="A crontab entry downloads and runs a remote script.",
              desc_zh="定时任务会下载并执行远程脚本。"),
    AlertName("malicious_startup", "persistent_backdoor", "Malicious startup item", "恶意自启动项",
              C.LEVEL_SUSPICIOUS, "startup", OPS_PERSISTENCE, ("filePath",), "TA0003",
              desc_en="A startup item runs a malicious program at boot.", desc_zh="自启动项会在开机时运行恶意程序。"),
    AlertName("sensitive_file_tampered", "sensitive_file", "Sensitive file tampered", "篡改敏感文件",
              C.LEVEL_SUSPICIOUS, "sensitive_file", OPS_FILE, ("filePath", "md5"), "TA0005",
              desc_en="A system file used for persistence or hijacking was changed.",
              desc_zh="系统敏感文件被篡改,可能被用于劫持或持久化。"),
    AlertName("suspicious_account", "abnormal_account", "Suspicious account created", "创建可疑账号",
              C.LEVEL_REMIND, "account", OPS_ACCOUNT, (), "TA0003",
              desc_en="A new account with root privileges was created.", desc_zh="系统中新建了具有root权限的账号。"),
    AlertName("malicious_process_blocked", "precise_defense", "Malicious process blocked", "拦截恶意进程",
              C.LEVEL_SERIOUS, "defense", OPS_DEFENSE, (), "TA0002",
              desc_en="Malicious behavior defense stopped a malicious process.",
              desc_zh="恶意行为防御拦截了一个恶意进程。"),
    AlertName("web_command_exec", "web_app_threat", "Suspicious command executed by web application",
              "Web应用执行可疑命令", C.LEVEL_SUSPICIOUS, "web_exec", _TRIAGE, ("cmdline",), "TA0002",
              desc_en="A web application process ran a shell command.", desc_zh="Web应用进程执行了Shell命令。"),
)}


def localized(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == C.LANG_EN else pair[1]
