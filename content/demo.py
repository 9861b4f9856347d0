"""Demo catalog for ``make run``: cybersecurity courses written by the demo
instructor and approved by the demo admin, through the same services as the API
(revisions, the review workflow, publishing, archival).

Idempotent: a course whose slug is already in the catalog is left as it is.
"""

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils.text import slugify

from portal.accounts.models import User
from portal.demo import DemoReport, seeder

from .media import VideoAsset
from .models import CoursePage
from .services import (
    catalog_get,
    course_archive,
    course_create,
    course_publish,
    course_submit,
    module_create,
)
from .video_services import video_upload

INSTRUCTOR_EMAIL = "instructor@example.org"
ADMIN_EMAIL = "admin@example.org"

PUBLISHED, IN_REVIEW, ARCHIVED = "published", "in_review", "archived"


@dataclass
class Module:
    title: str
    summary: str
    kind: str
    duration: int
    intro: str
    code: tuple[str, str] | None = None
    callout: tuple[str, str] | None = None
    mandatory: bool = True
    video: bool = False

    def body(self, video_id: int | None = None) -> list[dict]:
        blocks = []
        if self.video and video_id:
            blocks.append(
                {
                    "type": "video",
                    "value": {"video_id": video_id, "caption": self.title},
                }
            )
        blocks.append({"type": "rich_text", "value": self.intro})
        if self.code:
            language, code = self.code
            blocks.append(
                {"type": "code", "value": {"language": language, "code": code}}
            )
        if self.callout:
            kind, text = self.callout
            blocks.append(
                {"type": "callout", "value": {"kind": kind, "text": f"<p>{text}</p>"}}
            )
        return blocks


@dataclass
class Course:
    title: str
    category: str
    difficulty_level: str
    estimated_duration: int
    price: str
    description: str
    outcomes: list[str]
    modules: list[Module]
    capacity: int | None = None
    prerequisites: list[str] = field(default_factory=list)
    status: str = PUBLISHED

    @property
    def slug(self) -> str:
        return slugify(self.title)


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


COURSES = [
    Course(
        title="Security+ Foundations",
        category="Certification prep",
        difficulty_level="beginner",
        estimated_duration=30 * 60,
        price="0",
        description=(
            "A structured path through the CompTIA Security+ objectives for people "
            "new to the field, including those moving over from military service.\n\n"
            "Each module pairs a short explanation with a hands-on exercise, so you "
            "learn the vocabulary of the exam and the habits of the job together."
        ),
        outcomes=[
            "Explain common threats, attacks and vulnerabilities",
            "Describe secure network architecture and zero trust",
            "Apply identity and access management principles",
            "Use hashing and encryption tools correctly",
            "Sit the Security+ exam with a study plan",
        ],
        modules=[
            Module(
                "Threats, attacks and vulnerabilities",
                "The attacks you will meet most, and the controls that stop them.",
                "video",
                45,
                _p(
                    "Attackers follow patterns. This module walks through the "
                    "<b>phishing</b>, <b>credential stuffing</b> and "
                    "<b>ransomware</b> campaigns that fill most incident queues.",
                    "For each one you will see how it starts, what it leaves behind "
                    "and which control would have stopped it.",
                ),
                callout=(
                    "info",
                    "If you served in a signals or intelligence role, much of the "
                    "threat-actor vocabulary will feel familiar.",
                ),
                video=True,
            ),
            Module(
                "Security architecture basics",
                "Defense in depth, segmentation, least privilege and zero trust.",
                "text",
                40,
                _p(
                    "Defense in depth layers independent controls so that one "
                    "failure does not become a breach. We cover segmentation, "
                    "least privilege and the zero-trust idea of verifying every "
                    "request."
                ),
                code=(
                    "text",
                    "Internet -> WAF -> DMZ (web) -> firewall -> app tier -> DB tier\n"
                    "Admin access: VPN + MFA -> bastion host -> app tier only",
                ),
                callout=("tip", "Draw your home network this way before moving on."),
            ),
            Module(
                "Identity and access management",
                "Authentication factors, authorization and role-based access.",
                "text",
                35,
                _p(
                    "Authentication proves who you are; authorization decides what "
                    "you may do. We compare passwords, hardware keys and TOTP, and "
                    "look at role-based access control."
                ),
                code=("bash", "id\ngroups\nsudo -l"),
                callout=(
                    "warning",
                    "SMS codes are better than nothing, but can be hijacked through "
                    "SIM swapping. Prefer an authenticator app or a hardware key.",
                ),
            ),
            Module(
                "Cryptography essentials",
                "Which cryptographic tool protects what, with worked examples.",
                "interactive",
                50,
                _p(
                    "Symmetric ciphers, public-key cryptography and hashes each "
                    "solve a different problem. Work through the interactive "
                    "examples to see which one protects confidentiality, integrity "
                    "or authenticity."
                ),
                code=(
                    "bash",
                    "openssl enc -aes-256-cbc -pbkdf2 -in notes.txt -out notes.enc\n"
                    "openssl enc -d -aes-256-cbc -pbkdf2 -in notes.enc",
                ),
                callout=("info", "Never invent your own cipher. Use vetted libraries."),
            ),
            Module(
                "Lab: hashing and verifying downloads",
                "Verify a download's checksum and see what tampering does to it.",
                "lab",
                60,
                _p(
                    "Download a tool, verify its SHA-256 checksum against the "
                    "published value, then tamper with one byte and watch the "
                    "hash change completely."
                ),
                code=(
                    "bash",
                    "sha256sum tool.tar.gz\n"
                    "sha256sum --check tool.tar.gz.sha256\n"
                    "printf 'x' | dd of=tool.tar.gz bs=1 seek=100 conv=notrunc",
                ),
                callout=("tip", "Record each command and its output in your notes."),
            ),
            Module(
                "Practice exam",
                "A timed, full-length practice exam with explanations.",
                "interactive",
                90,
                _p(
                    "Ninety questions in the style of the real exam, including "
                    "performance-based items. Aim for 85% before booking."
                ),
                callout=(
                    "info",
                    "Veterans may be eligible for exam vouchers through GI Bill "
                    "licensing and certification benefits.",
                ),
            ),
            Module(
                "Career paths after Security+",
                "Entry-level security roles and what to learn next.",
                "document",
                15,
                _p(
                    "SOC analyst, junior penetration tester, GRC analyst: what each "
                    "role does day to day and which course to take next."
                ),
                callout=("tip", "Translate your service experience into job terms."),
                mandatory=False,
            ),
        ],
    ),
    Course(
        title="Linux for Defenders",
        category="Operating systems",
        difficulty_level="beginner",
        estimated_duration=15 * 60,
        price="0",
        description=(
            "Most servers you will protect run Linux. This course teaches the "
            "command line from a defender's point of view: where the logs are, who "
            "can do what, and how to notice when something changes."
        ),
        outcomes=[
            "Move around the file system and read permissions",
            "Manage users, groups and sudo rights safely",
            "Find and filter logs with journalctl and grep",
            "Apply a basic hardening checklist to a server",
        ],
        modules=[
            Module(
                "The shell, files and permissions",
                "Read ownership and permission bits like a defender.",
                "text",
                40,
                _p(
                    "Every file has an owner, a group and permission bits. Reading "
                    "them quickly is the first skill of a Linux defender."
                ),
                code=("bash", "ls -l /etc/shadow /etc/passwd\nstat /etc/sudoers"),
                callout=(
                    "warning",
                    "A world-writable file in a system path is a finding worth "
                    "reporting.",
                ),
            ),
            Module(
                "Users, groups and sudo",
                "Service accounts, groups and narrowly scoped sudo rights.",
                "lab",
                45,
                _p(
                    "Create a service account with no login shell, grant a group "
                    "one sudo command, and check who can become root."
                ),
                code=(
                    "bash",
                    "sudo useradd --system --shell /usr/sbin/nologin backup\n"
                    "echo '%ops ALL=(root) /usr/bin/systemctl restart nginx' "
                    "| sudo tee /etc/sudoers.d/ops",
                ),
                callout=("tip", "Always edit sudoers files with visudo -f."),
            ),
            Module(
                "Logs and journald",
                "Ask the system journal precise questions.",
                "lab",
                50,
                _p(
                    "Authentication failures, new services and kernel messages all "
                    "land in the journal. Learn to ask it precise questions."
                ),
                code=(
                    "bash",
                    "journalctl -u ssh --since '1 hour ago' | grep 'Failed password'\n"
                    "journalctl -p warning -b",
                ),
                callout=("info", "Logs you never read are only evidence for later."),
            ),
            Module(
                "Hardening a server",
                "A short, practical hardening checklist.",
                "text",
                40,
                _p(
                    "Remove what you do not need, update what remains, and turn on "
                    "a host firewall. We follow a short CIS-style checklist."
                ),
                code=("bash", "sudo ufw default deny incoming\nsudo ufw allow ssh"),
                callout=("warning", "Allow SSH before enabling the firewall remotely."),
            ),
            Module(
                "Bash for automation",
                "Turn manual checks into a scheduled script.",
                "interactive",
                60,
                _p("Turn the checks from this course into a script you can schedule."),
                code=(
                    "bash",
                    "#!/usr/bin/env bash\nset -euo pipefail\n"
                    "find / -xdev -perm -0002 -type f 2>/dev/null",
                ),
                callout=("tip", "Start every script with set -euo pipefail."),
                mandatory=False,
            ),
        ],
    ),
    Course(
        title="Network Defense Essentials",
        category="Network security",
        difficulty_level="beginner",
        estimated_duration=20 * 60,
        price="0",
        description=(
            "Learn how traffic moves, how to capture and read it, and how firewalls "
            "and intrusion detection stop the noisiest attacks."
        ),
        outcomes=[
            "Read TCP/IP traffic in a packet capture",
            "Design simple network segmentation",
            "Spot port scans and brute-force attempts",
            "Tune a basic intrusion detection rule",
        ],
        modules=[
            Module(
                "How networks really work",
                "The packets behind a click, from handshake to DNS.",
                "video",
                40,
                _p("From the three-way handshake to DNS: the packets behind a click."),
                callout=("info", "Keep a TCP/IP cheat sheet open during the labs."),
                video=True,
            ),
            Module(
                "Reading packet captures with tcpdump",
                "Capture and filter traffic down to what matters.",
                "lab",
                60,
                _p(
                    "Capture traffic on a lab host and filter it down to the "
                    "conversation that matters."
                ),
                code=(
                    "bash",
                    "sudo tcpdump -i eth0 -nn 'tcp port 22' -w ssh.pcap\n"
                    "tcpdump -nn -r ssh.pcap | head",
                ),
                callout=(
                    "warning",
                    "Only capture traffic on networks you may monitor.",
                ),
            ),
            Module(
                "Firewalls and segmentation",
                "Default-deny rules and small network zones.",
                "text",
                35,
                _p(
                    "Default-deny rules and small network zones limit how far an "
                    "attacker can move after the first foothold."
                ),
                code=(
                    "bash",
                    "sudo nft add rule inet filter input tcp dport 22 "
                    "ip saddr 10.0.10.0/24 accept",
                ),
                callout=("tip", "Write down why each rule exists."),
            ),
            Module(
                "Detecting scans and brute force",
                "Find a port scan and a password attack in the logs.",
                "lab",
                75,
                _p(
                    "Run a scan against your lab, then find it in the firewall and "
                    "authentication logs."
                ),
                code=("bash", "nmap -sS -p 1-1024 10.0.20.5"),
                callout=("warning", "Never scan systems you do not own."),
            ),
            Module(
                "Intrusion detection with Suricata",
                "Write, test and tune a detection rule.",
                "interactive",
                45,
                _p("Write and test a rule that alerts on a suspicious user agent."),
                code=(
                    "text",
                    'alert http any any -> $HOME_NET any (msg:"Suspicious UA"; '
                    'http.user_agent; content:"sqlmap"; sid:1000001;)',
                ),
                callout=("info", "Tune rules against real traffic before trusting."),
                mandatory=False,
            ),
        ],
    ),
    Course(
        title="Incident Response Fundamentals",
        category="Incident response",
        difficulty_level="intermediate",
        estimated_duration=25 * 60,
        price="149",
        capacity=40,
        prerequisites=["Security+ Foundations", "Linux for Defenders"],
        description=(
            "When an alert turns out to be real, a calm and repeatable process "
            "matters more than any tool. This course follows an incident from the "
            "first call to the lessons-learned meeting.\n\n"
            "Mission planning and after-action reviews from the military map well "
            "onto incident response; we make that link explicit."
        ),
        outcomes=[
            "Run the NIST incident response lifecycle",
            "Triage an alert in the first hour",
            "Collect volatile evidence without destroying it",
            "Write an incident report for technical and executive readers",
        ],
        modules=[
            Module(
                "The incident response lifecycle",
                "The six phases of handling an incident.",
                "video",
                30,
                _p(
                    "Preparation, detection and analysis, containment, eradication "
                    "and recovery, and post-incident activity."
                ),
                callout=("info", "Think of it as an after-action review, in advance."),
                video=True,
            ),
            Module(
                "Triage: the first hour",
                "What to check, who to call and what not to touch.",
                "text",
                40,
                _p(
                    "Decide quickly what is affected, who must know, and what must "
                    "not be touched."
                ),
                code=(
                    "powershell",
                    "Get-WinEvent -FilterHashtable @{LogName='Security'; Id=4625} "
                    "-MaxEvents 50",
                ),
                callout=("warning", "Do not reboot a suspect machine before triage."),
            ),
            Module(
                "Collecting evidence on Windows",
                "Gather volatile evidence in order, with a chain of custody.",
                "lab",
                75,
                _p(
                    "Capture memory, running processes and network connections in "
                    "order of volatility, and record the chain of custody."
                ),
                code=(
                    "powershell",
                    "Get-Process | Export-Csv processes.csv\n"
                    "Get-NetTCPConnection -State Established | Export-Csv net.csv",
                ),
                callout=("tip", "Hash every artifact as soon as you collect it."),
            ),
            Module(
                "Containment and eradication",
                "Isolate the threat and remove the foothold.",
                "text",
                35,
                _p("Isolate, remove the foothold, and close the door it came through."),
                code=("bash", "sudo iptables -I OUTPUT -d 203.0.113.7 -j DROP"),
                callout=("warning", "Contain first; clean up second."),
            ),
            Module(
                "Writing the incident report",
                "A report template with a worked example.",
                "document",
                30,
                _p(
                    "A template and a worked example, from timeline to recommendations."
                ),
                callout=("tip", "Executives read the first paragraph. Make it count."),
            ),
            Module(
                "Tabletop exercise: ransomware",
                "Talk a team through a ransomware attack, inject by inject.",
                "interactive",
                90,
                _p("Work through a ransomware scenario one inject at a time."),
                callout=("info", "There is no single right answer; explain choices."),
                mandatory=False,
            ),
        ],
    ),
    Course(
        title="Web Application Security",
        category="Application security",
        difficulty_level="intermediate",
        estimated_duration=28 * 60,
        price="199",
        capacity=30,
        prerequisites=["Security+ Foundations"],
        description=(
            "Find and fix the vulnerabilities behind most web breaches, from "
            "injection to broken access control, in a deliberately vulnerable "
            "practice application."
        ),
        outcomes=[
            "Explain the browser security model and same-origin policy",
            "Find and fix SQL injection and cross-site scripting",
            "Review authentication and session handling",
            "Use the OWASP Top 10 in code reviews",
        ],
        modules=[
            Module(
                "HTTP and the browser security model",
                "Origins, cookies and security headers.",
                "text",
                35,
                _p("Cookies, origins and headers decide what a page may read."),
                code=(
                    "bash",
                    "curl -sI https://example.org | grep -i -E 'set-cookie|csp'",
                ),
                callout=("info", "Security headers are cheap; add them first."),
            ),
            Module(
                "Injection flaws and SQL injection",
                "Exploit and then fix an injectable search form.",
                "lab",
                70,
                _p("Exploit an injectable search form, then fix it with parameters."),
                code=(
                    "python",
                    '# Vulnerable\ncursor.execute(f"SELECT * FROM users WHERE '
                    "name = '{name}'\")\n# Fixed\ncursor.execute("
                    '"SELECT * FROM users WHERE name = %s", [name])',
                ),
                callout=("warning", "Practise only on the lab application."),
            ),
            Module(
                "Cross-site scripting",
                "Reflected, stored and DOM-based XSS and how to prevent them.",
                "lab",
                60,
                _p("Reflected, stored and DOM-based XSS, and output encoding."),
                code=(
                    "javascript",
                    "element.textContent = userInput; // not innerHTML",
                ),
                callout=("tip", "A strict Content-Security-Policy limits the damage."),
            ),
            Module(
                "Authentication and sessions",
                "Store passwords safely and handle sessions correctly.",
                "text",
                40,
                _p("Password storage, MFA, session fixation and logout that works."),
                code=("python", "from argon2 import PasswordHasher\nPasswordHasher()"),
                callout=("warning", "Never store passwords with a fast hash like MD5."),
            ),
            Module(
                "Secure code review",
                "Review real pull requests for security problems.",
                "interactive",
                50,
                _p("Review three pull requests and flag what you would block."),
                callout=("tip", "Look at every place user input enters the code."),
                mandatory=False,
            ),
        ],
    ),
    Course(
        title="Cloud Security Basics",
        category="Cloud security",
        difficulty_level="intermediate",
        estimated_duration=18 * 60,
        price="99",
        description=(
            "Cloud platforms move the perimeter into identity and configuration. "
            "Learn the shared responsibility model and the handful of settings "
            "behind most cloud data leaks."
        ),
        outcomes=[
            "Explain the shared responsibility model",
            "Write least-privilege IAM policies",
            "Turn on and read audit logs",
            "Find public storage buckets and open security groups",
        ],
        modules=[
            Module(
                "The shared responsibility model",
                "Where the provider's job ends and yours begins.",
                "video",
                25,
                _p("What the provider secures, and what remains yours."),
                callout=(
                    "info",
                    "Misconfiguration, not the provider, causes most leaks.",
                ),
                video=True,
            ),
            Module(
                "IAM done right",
                "Least-privilege roles and short-lived credentials.",
                "text",
                45,
                _p("Roles over users, short-lived credentials, and no wildcards."),
                code=(
                    "json",
                    '{"Effect": "Allow", "Action": ["s3:GetObject"], '
                    '"Resource": "arn:aws:s3:::reports/*"}',
                ),
                callout=("warning", 'Avoid "Action": "*" outside break-glass roles.'),
            ),
            Module(
                "Logging and monitoring in the cloud",
                "Turn on audit logs and hunt for risky API calls.",
                "lab",
                60,
                _p("Enable audit logging and query it for risky API calls."),
                code=(
                    "bash",
                    "aws cloudtrail lookup-events --lookup-attributes "
                    "AttributeKey=EventName,AttributeValue=PutBucketPolicy",
                ),
                callout=("tip", "Send logs to an account attackers cannot reach."),
            ),
            Module(
                "Misconfigurations that leak data",
                "The settings behind most cloud data leaks.",
                "text",
                30,
                _p("Public buckets, open databases and leaked keys, with real cases."),
                code=("bash", "aws s3api get-bucket-acl --bucket reports"),
                callout=("warning", "Scan repositories for keys before every push."),
            ),
        ],
    ),
    Course(
        title="Threat Hunting in the SOC",
        category="Security operations",
        difficulty_level="advanced",
        estimated_duration=22 * 60,
        price="249",
        capacity=20,
        prerequisites=["Network Defense Essentials", "Incident Response Fundamentals"],
        status=IN_REVIEW,
        description=(
            "Move from waiting for alerts to looking for attackers. Build "
            "hypotheses from threat intelligence and test them in SIEM data."
        ),
        outcomes=[
            "Form a hunting hypothesis from ATT&CK techniques",
            "Query SIEM data for rare and suspicious behaviour",
            "Turn a successful hunt into a detection rule",
        ],
        modules=[
            Module(
                "Hypothesis-driven hunting",
                "Start a hunt from an attacker technique.",
                "text",
                40,
                _p("Start from a technique, not from the data."),
                callout=("tip", "Write the hypothesis down before the first query."),
            ),
            Module(
                "Hunting with SIEM queries",
                "Query a fleet's process data for rare behaviour.",
                "lab",
                80,
                _p("Find rare parent-child process pairs across a fleet."),
                code=(
                    "sql",
                    "SELECT parent, child, count(*) AS n FROM process_events "
                    "GROUP BY parent, child HAVING count(*) < 3;",
                ),
                callout=("info", "Rare is not malicious; it is worth a look."),
            ),
            Module(
                "From hunt to detection",
                "Turn a successful hunt into a tested alert.",
                "interactive",
                45,
                _p("Turn your query into a tested, documented alert."),
                callout=("warning", "An alert nobody can act on is noise."),
            ),
        ],
    ),
    Course(
        title="Windows Server 2012 Hardening",
        category="Operating systems",
        difficulty_level="intermediate",
        estimated_duration=10 * 60,
        price="0",
        status=ARCHIVED,
        description=(
            "Hardening guidance for Windows Server 2012 R2. Microsoft support has "
            "ended, so this course is archived; see Linux for Defenders and the "
            "upcoming Windows Server course instead."
        ),
        outcomes=[
            "Apply a security baseline with Group Policy",
            "Disable legacy protocols such as SMBv1",
        ],
        modules=[
            Module(
                "Security baselines with Group Policy",
                "Apply and verify a security baseline.",
                "text",
                40,
                _p("Import and apply a baseline, then check what changed."),
                code=("powershell", "gpresult /h report.html"),
                callout=("info", "Test baselines on a staging server first."),
            ),
            Module(
                "Removing legacy protocols",
                "Turn off SMBv1 safely.",
                "lab",
                45,
                _p("Turn off SMBv1 and check nothing still depends on it."),
                code=(
                    "powershell",
                    "Set-SmbServerConfiguration -EnableSMB1Protocol $false",
                ),
                callout=("warning", "Old printers and scanners may still need SMBv1."),
            ),
            Module(
                "Auditing and event forwarding",
                "Send security events to a central collector.",
                "text",
                30,
                _p("Forward security events to a central collector."),
                code=("powershell", "wecutil qc"),
                callout=("tip", "Forward logs before you need them."),
            ),
        ],
    ),
]


DEMO_VIDEO_TITLE = "Demo walkthrough (generated test pattern)"


def _demo_video(instructor: User) -> int | None:
    """A short generated clip (ffmpeg's test pattern and a tone) that the demo's video
    modules show; transcoded at once when tasks run eagerly (``make run``). None when
    ffmpeg is missing: the modules then go without a video."""
    existing = VideoAsset.objects.filter(owner=instructor, title=DEMO_VIDEO_TITLE)
    if found := existing.values_list("pk", flat=True).first():
        return found
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.mp4"
        command = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
        command += ["-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=8"]
        command += ["-f", "lavfi", "-i", "sine=frequency=440:duration=8"]
        command += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
        command += ["-c:a", "aac", "-t", "8", str(path)]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603 - fixed arguments
        except (OSError, subprocess.SubprocessError):
            return None
        with path.open("rb") as handle:
            asset = video_upload(
                owner=instructor, title=DEMO_VIDEO_TITLE, file=File(handle, "demo.mp4")
            )
    return asset.pk


@seeder(order=10)
def seed_courses(report: DemoReport) -> None:
    instructor = User.objects.get(email=INSTRUCTOR_EMAIL)
    admin = User.objects.get(email=ADMIN_EMAIL)
    catalog = catalog_get()
    video_id = None
    by_title: dict[str, CoursePage] = {}
    for spec in COURSES:
        existing = CoursePage.objects.child_of(catalog).filter(slug=spec.slug).first()
        if existing is None and video_id is None:
            video_id = _demo_video(instructor)
        by_title[spec.title] = existing or _course_seed(
            spec,
            instructor=instructor,
            admin=admin,
            prerequisites=by_title,
            video_id=video_id,
        )

    def titles(status: str) -> str:
        return ", ".join(f"“{c.title}”" for c in COURSES if c.status == status)

    published = CoursePage.objects.live().child_of(catalog).filter(archived_at=None)
    report.lines.append(
        f"Catalog: {published.count()} published courses at "
        f"{catalog.url or '/courses/'}"
    )
    report.lines.append(
        f"In review: {titles(IN_REVIEW)} (submitted by {INSTRUCTOR_EMAIL}; "
        f"approve it as {ADMIN_EMAIL} in /cms/)"
    )
    report.lines.append(f"Archived: {titles(ARCHIVED)} (not listed in the catalog)")


@transaction.atomic
def _course_seed(
    spec: Course,
    *,
    instructor: User,
    admin: User,
    prerequisites: dict,
    video_id: int | None = None,
) -> CoursePage:
    course = course_create(
        actor=instructor,
        data={
            "title": spec.title,
            "description": spec.description,
            "category": spec.category,
            "difficulty_level": spec.difficulty_level,
            "estimated_duration": spec.estimated_duration,
            "price": spec.price,
            "capacity": spec.capacity,
            "learning_outcomes": spec.outcomes,
            "prerequisites": [prerequisites[title] for title in spec.prerequisites],
        },
    )
    for position, module in enumerate(spec.modules):
        module_create(
            actor=instructor,
            course=course,
            data={
                "title": module.title,
                "description": module.summary,
                "kind": module.kind,
                "duration": module.duration,
                "is_mandatory": module.mandatory,
                # The first module of every course is a free preview: anyone may
                # read it (and watch its video) before enrolling.
                "is_free_preview": position == 0,
                "body": module.body(video_id),
            },
        )
    course = course_submit(actor=instructor, course=course)
    if spec.status in (PUBLISHED, ARCHIVED):
        course = course_publish(actor=admin, course=course)
    if spec.status == ARCHIVED:
        course = course_archive(actor=admin, course=course)
    return course
