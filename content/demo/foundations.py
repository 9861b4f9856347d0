"""The free beginner courses of the demo catalog: where a newcomer starts."""

from .specs import Course, Module, paragraphs

FOUNDATION_COURSES = [
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
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
                "A timed practice exam with explanations, drawn from a question bank.",
                "interactive",
                90,
                paragraphs(
                    "Ten questions drawn at random from a bank in the style of the "
                    "real exam, with 20 minutes on the clock. You need 70% to pass "
                    "the module; aim for 85% before booking the real exam."
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
                    "Turn the checks from this course into a script you can schedule."
                ),
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
                paragraphs(
                    "From the three-way handshake to DNS: the packets behind a click."
                ),
                callout=("info", "Keep a TCP/IP cheat sheet open during the labs."),
                video=True,
            ),
            Module(
                "Reading packet captures with tcpdump",
                "Capture and filter traffic down to what matters.",
                "lab",
                60,
                paragraphs(
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
                    "Write and test a rule that alerts on a suspicious user agent."
                ),
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
]
