"""The paid and later courses of the demo catalog, including one in review and one
archived. Their prerequisites name foundation courses (or earlier ones here)."""

from .specs import ARCHIVED, IN_REVIEW, Course, Module, paragraphs

SPECIALIST_COURSES = [
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
                    "Isolate, remove the foothold, and close the door it came through."
                ),
                code=("bash", "sudo iptables -I OUTPUT -d 203.0.113.7 -j DROP"),
                callout=("warning", "Contain first; clean up second."),
            ),
            Module(
                "Writing the incident report",
                "A report template with a worked example.",
                "document",
                30,
                paragraphs(
                    "A template and a worked example, from timeline to recommendations."
                ),
                callout=("tip", "Executives read the first paragraph. Make it count."),
            ),
            Module(
                "Tabletop exercise: ransomware",
                "Talk a team through a ransomware attack, inject by inject.",
                "interactive",
                90,
                paragraphs("Work through a ransomware scenario one inject at a time."),
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
                paragraphs("Cookies, origins and headers decide what a page may read."),
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
                paragraphs(
                    "Exploit an injectable search form, then fix it with parameters."
                ),
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
                paragraphs("Reflected, stored and DOM-based XSS, and output encoding."),
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
                paragraphs(
                    "Password storage, MFA, session fixation and logout that works."
                ),
                code=("python", "from argon2 import PasswordHasher\nPasswordHasher()"),
                callout=("warning", "Never store passwords with a fast hash like MD5."),
            ),
            Module(
                "Secure code review",
                "Review real pull requests for security problems.",
                "interactive",
                50,
                paragraphs("Review three pull requests and flag what you would block."),
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
                paragraphs("What the provider secures, and what remains yours."),
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
                paragraphs(
                    "Roles over users, short-lived credentials, and no wildcards."
                ),
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
                paragraphs("Enable audit logging and query it for risky API calls."),
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
                paragraphs(
                    "Public buckets, open databases and leaked keys, with real cases."
                ),
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
                paragraphs("Start from a technique, not from the data."),
                callout=("tip", "Write the hypothesis down before the first query."),
            ),
            Module(
                "Hunting with SIEM queries",
                "Query a fleet's process data for rare behaviour.",
                "lab",
                80,
                paragraphs("Find rare parent-child process pairs across a fleet."),
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
                paragraphs("Turn your query into a tested, documented alert."),
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
                paragraphs("Import and apply a baseline, then check what changed."),
                code=("powershell", "gpresult /h report.html"),
                callout=("info", "Test baselines on a staging server first."),
            ),
            Module(
                "Removing legacy protocols",
                "Turn off SMBv1 safely.",
                "lab",
                45,
                paragraphs("Turn off SMBv1 and check nothing still depends on it."),
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
                paragraphs("Forward security events to a central collector."),
                code=("powershell", "wecutil qc"),
                callout=("tip", "Forward logs before you need them."),
            ),
        ],
    ),
]
