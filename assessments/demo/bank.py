"""The demo's questions: a quiz on most modules of the walkthrough course, a
practice exam drawn from a bank, and every lab's flags.

Demo labs have no lab machines: each flag is the output of a command the learner
runs on their own computer (``lab_flag`` says which), so capturing it still takes
doing the step.
"""

import hashlib

WALKTHROUGH_COURSE = "Security+ Foundations"


def single(qid: str, prompt: str, choices: list[str], correct: int) -> dict:
    return {
        "id": qid,
        "type": "single_choice",
        "prompt": prompt,
        "choices": choices,
        "correct": correct,
    }


def truth(qid: str, prompt: str, correct: bool) -> dict:
    return {"id": qid, "type": "true_false", "prompt": prompt, "correct": correct}


def several(qid: str, prompt: str, choices: list[str], correct: list[int]) -> dict:
    return {
        "id": qid,
        "type": "multiple_choice",
        "prompt": prompt,
        "choices": choices,
        "correct": correct,
    }


# Required quizzes, keyed by (course title, module title).
QUIZZES: dict[tuple[str, str], list[dict]] = {
    (WALKTHROUGH_COURSE, "Threats, attacks and vulnerabilities"): [
        single(
            "phishing",
            "An e-mail asks staff to 'confirm' their password on a look-alike site. "
            "What is this?",
            ["Credential stuffing", "Phishing", "A denial of service", "Ransomware"],
            1,
        ),
        single(
            "stuffing",
            "Which control best stops credential stuffing?",
            [
                "Longer password expiry",
                "Multi-factor authentication",
                "A bigger firewall",
                "Disk encryption",
            ],
            1,
        ),
        truth(
            "ransom-backups",
            "Offline, tested backups reduce the damage ransomware can do.",
            True,
        ),
    ],
    (WALKTHROUGH_COURSE, "Security architecture basics"): [
        single(
            "depth",
            "Defense in depth means…",
            [
                "one very strong control at the perimeter",
                "independent layers of controls, so one failure is not a breach",
                "encrypting every disk twice",
                "hiring more analysts",
            ],
            1,
        ),
        truth(
            "zero-trust",
            "Zero trust assumes requests from inside the network are safe.",
            False,
        ),
        single(
            "least-privilege",
            "A web server account can read the whole database. Which principle is "
            "broken?",
            [
                "Least privilege",
                "Separation of duties",
                "Availability",
                "Non-repudiation",
            ],
            0,
        ),
    ],
    (WALKTHROUGH_COURSE, "Identity and access management"): [
        several(
            "factors",
            "Which of these are authentication factors?",
            [
                "Something you know",
                "Something you have",
                "Something you are",
                "Somewhere you bought it",
            ],
            [0, 1, 2],
        ),
        single(
            "authz",
            "Deciding what a signed-in user may do is…",
            ["authentication", "authorization", "auditing", "accounting"],
            1,
        ),
        truth("sms", "SMS codes can be hijacked through SIM swapping.", True),
    ],
    (WALKTHROUGH_COURSE, "Cryptography essentials"): [
        single(
            "integrity",
            "Which primitive shows that a file was not changed?",
            ["A symmetric cipher", "A cryptographic hash", "Base64", "Compression"],
            1,
        ),
        single(
            "public-key",
            "Which key does someone use to send you a message only you can read?",
            ["Your private key", "Your public key", "Their private key", "None"],
            1,
        ),
        truth("own-cipher", "Inventing your own cipher is good practice.", False),
    ],
    ("Linux for Defenders", "Bash for automation"): [
        single(
            "shebang",
            "Which first line runs a script with Bash?",
            ["#!/bin/bash", "// bash", "<?bash", "run bash"],
            0,
        ),
        truth("cron", "cron can run a check script on a schedule.", True),
    ],
    ("Network Defense Essentials", "Intrusion detection with Suricata"): [
        single(
            "scan",
            "Many SYN packets to many ports from one address suggest…",
            ["a port scan", "a backup job", "DNS caching", "NTP drift"],
            0,
        ),
        truth("ids", "An IDS can alert on known attack signatures.", True),
    ],
    ("Incident Response Fundamentals", "Tabletop exercise: ransomware"): [
        single(
            "first",
            "Ransomware is spreading. What comes first?",
            [
                "Pay the ransom",
                "Contain: isolate affected hosts",
                "Reimage everything",
                "Wait",
            ],
            1,
        ),
        truth("lessons", "A lessons-learned meeting follows every incident.", True),
    ],
    ("Web Application Security", "Secure code review"): [
        single(
            "sqli-fix",
            "What fixes SQL injection in a search form?",
            ["Escaping quotes by hand", "Parameterized queries", "A WAF only", "HTTPS"],
            1,
        ),
        truth("xss", "Output encoding helps prevent cross-site scripting.", True),
    ],
    ("Threat Hunting in the SOC", "From hunt to detection"): [
        single(
            "detection",
            "A successful hunt should end as…",
            ["a tested alert", "a deleted log", "a firewall reboot", "nothing"],
            0,
        ),
        truth("hypothesis", "Hunts start from a hypothesis.", True),
    ],
}

# The walkthrough course's timed practice exam: a pool drawn from this bank.
PRACTICE_EXAM_MODULE = (WALKTHROUGH_COURSE, "Practice exam")
PRACTICE_EXAM = {
    "pool_size": 10,
    "time_limit": 20,
    "passing_score": 70,
    "max_attempts": 3,
}
PRACTICE_EXAM_BANK: list[dict] = [
    single(
        "pe-https",
        "Which port does HTTPS use by default?",
        ["80", "443", "22", "25"],
        1,
    ),
    single(
        "pe-ssh",
        "Which protocol replaces Telnet for remote administration?",
        ["FTP", "SSH", "SNMPv1", "HTTP"],
        1,
    ),
    single(
        "pe-hash",
        "Which is a hashing algorithm?",
        ["AES", "SHA-256", "RSA", "Diffie-Hellman"],
        1,
    ),
    single(
        "pe-aes",
        "AES is a…",
        ["symmetric cipher", "hash", "key exchange", "signature scheme"],
        0,
    ),
    single(
        "pe-mfa",
        "A password plus an authenticator app code is…",
        ["single-factor", "multi-factor", "biometric", "federated"],
        1,
    ),
    single(
        "pe-phish",
        "The most common first step of an intrusion is…",
        ["phishing", "a zero-day in the kernel", "a stolen server", "a power cut"],
        0,
    ),
    single(
        "pe-dmz",
        "Where do public web servers belong?",
        [
            "In the DMZ",
            "On the database tier",
            "On admin laptops",
            "In the backup vault",
        ],
        0,
    ),
    single(
        "pe-rbac",
        "Granting rights by job function is…",
        ["role-based access control", "discretionary access", "MAC", "ACL spoofing"],
        0,
    ),
    truth(
        "pe-md5", "MD5 is still safe for verifying downloads against tampering.", False
    ),
    truth("pe-backup", "The 3-2-1 backup rule keeps one copy off-site.", True),
    truth(
        "pe-patch", "Patching known vulnerabilities is one of the best controls.", True
    ),
    truth(
        "pe-ztna", "Zero trust verifies every request, wherever it comes from.", True
    ),
    truth("pe-sim", "SIM swapping can defeat SMS-based codes.", True),
    single(
        "pe-least",
        "A service account needs to read one table. It should get…",
        ["read on that table only", "database owner", "domain admin", "no password"],
        0,
    ),
    single(
        "pe-ransom",
        "The best preparation against ransomware is…",
        ["offline tested backups", "a longer password expiry", "more RAM", "IPv6"],
        0,
    ),
    single(
        "pe-cia",
        "A hash protects which part of the CIA triad?",
        ["Confidentiality", "Integrity", "Availability", "None"],
        1,
    ),
]


def lab_seed(course_title: str, module_title: str, number: int) -> str:
    """What the learner hashes for flag ``number`` of a lab."""
    return f"{course_title}/{module_title}/{number}"


def lab_flag(course_title: str, module_title: str, number: int) -> str:
    """Flag ``number`` of a demo lab: ``FLAG{`` the first 16 hex digits of the
    SHA-256 of ``lab_seed`` ``}``, what the lab's instructions ask to compute."""
    seed = lab_seed(course_title, module_title, number).encode()
    return f"FLAG{{{hashlib.sha256(seed).hexdigest()[:16]}}}"


LAB_FLAGS = 2


def lab_instructions(course_title: str, module_title: str) -> str:
    steps = [
        "Work through the steps of this module on your own computer, then capture "
        f"the {LAB_FLAGS} flags below. Each flag is FLAG{{…}} around the first 16 "
        "hex digits of a SHA-256 checksum you compute:",
    ]
    for number in range(1, LAB_FLAGS + 1):
        seed = lab_seed(course_title, module_title, number)
        steps.append(f"Flag {number}: printf '%s' '{seed}' | sha256sum")
    steps.append(
        "Example: a checksum starting 0123456789abcdef… gives FLAG{0123456789abcdef}."
    )
    return "\n".join(steps)


def lab_questions(course_title: str, module_title: str) -> list[dict]:
    return [
        {
            "id": f"flag-{number}",
            "type": "flag",
            "prompt": f"Flag {number}",
            "correct": lab_flag(course_title, module_title, number),
        }
        for number in range(1, LAB_FLAGS + 1)
    ]
