"""The wording a blameless postmortem avoids: blame, hedging, and wishes posing as tasks.

Pure functions over plain text. The phrase lists are data on purpose, so a reviewer can read
and extend them; they describe kinds of sentence (a person as the subject of a harm, a
guess stated as the cause, a verb with nothing checkable after it), not any one report.
People are told from systems by the incident's participants: "Jenkins skipped the stage" is
a tool at work, "Jonas skipped the stage" is blame when Jonas was there.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache


def _words(*phrases: str) -> str:
    """Alternatives (regex fragments), longest first so "we'll try to" wins over "try to";
    a straight apostrophe also matches a curly one."""
    return "|".join(sorted(phrases, key=len, reverse=True)).replace("'", "['’]")


def _phrase(*phrases: str) -> re.Pattern[str]:
    """Any of the phrases, as whole words, in any case."""
    return re.compile(rf"(?<![\w'’])(?:{_words(*phrases)})(?![\w'’])", re.IGNORECASE)


# People -------------------------------------------------------------------------------

# Job and role nouns that name a person ("the intern forgot", "our DBA dropped").
ROLE_NOUNS = (
    r"(?:new |junior |senior |on-?call |lead |staff |principal )?"
    r"(?:intern|new hire|hire|new joiner|joiner|newcomer|dev|developer|engineer|programmer|"
    r"operator|dba|contractor|consultant|admin|administrator|sysadmin|sre|reviewer|approver|"
    r"release manager|manager|on-?call(?:er)?(?: engineer| person)?|responder|employee|"
    r"teammate|colleague|person|guy|author|committer)s?"
)
ROLE_PERSON = rf"(?:the|a|an|our|their|one of our|that|this) {ROLE_NOUNS}"
PRONOUN = r"(?-i:[Hh]e|[Ss]he)"
POSSESSIVE_PRONOUN = r"(?-i:[Hh]is|[Hh]er)"
MENTION = r"(?:<@[\w]+>|@[\w.-]+)"


@dataclass(frozen=True)
class People:
    """How the incident's people may be named in its text: whole names, first and last
    names, @mentions, role nouns and he/she. Without participants only the last three."""

    names: tuple[str, ...] = ()

    @classmethod
    def of(cls, participants: Iterable[str]) -> "People":
        names: set[str] = set()
        for participant in participants:
            full = " ".join(participant.lstrip("@").split())
            if not full:
                continue
            first = full.split()[0]
            forms = {full, *(part for part in full.split() if len(part) >= 3)}
            if len(first) > 4:
                forms.add(first[:3])  # "Sam" for Samuel, "Tom" for Tomasz
            # a Slack display name is often lower case ("priya"); prose capitalises it
            names.update(forms | {form[0].upper() + form[1:] for form in forms})
        return cls(tuple(sorted(names, key=len, reverse=True)))

    @property
    def named(self) -> str:
        """A person by name, capitalised as names are ("Bob", not "bob")."""
        if not self.names:
            return r"(?!x)x"  # matches nothing
        return rf"(?-i:{'|'.join(re.escape(name) for name in self.names)})(?![\w])"

    @property
    def person(self) -> str:
        """Any way of naming someone as the subject of a sentence."""
        return (
            rf"(?<![\w'’])(?:{MENTION}|{self.named}|{ROLE_PERSON}|{PRONOUN}|someone|somebody)"
            r"(?![\w'’])"
        )

    @property
    def owner(self) -> str:
        """Whose a thing was: "Ravi's", "the intern's", "his"."""
        return (
            rf"(?<![\w'’])(?:(?:{MENTION}|{self.named}|{ROLE_PERSON})['’]s|"
            rf"{POSSESSIVE_PRONOUN}(?![\w'’]))"
        )


# Blame --------------------------------------------------------------------------------

# What someone does to cause harm, as the verb of a sentence about them.
HARM_VERBS = _words(
    "broke",
    "forgot",
    "ignored",
    "missed",
    "neglected",
    "overlooked",
    "botched",
    "messed up",
    "screwed up",
    "fat-fingered",
    "mistyped",
    "misconfigured",
    "caused",
    "took down",
    "brought down",
    "wiped",
    "deleted",
    "dropped",
    "skipped",
    "bypassed",
    "failed to",
    "neglected to",
    r"(?:did not|didn't|never) (?:check|test|verify|read|notice|follow|review|update|renew|"
    r"run|look|ask|escalate|respond|acknowledge|ack|tell|wait|think)",
    "wasn't paying attention",
    "was not paying attention",
    "should have",
    "should've",
)
# Ordinary verbs that turn to blame only when the act was done wrong or did the harm.
ACT_VERBS = _words(
    "pushed",
    "force-pushed",
    "merged",
    "committed",
    "deployed",
    "shipped",
    "released",
    "ran",
    "executed",
    "applied",
    "edited",
    "changed",
    "typed",
    "removed",
    "disabled",
    "turned off",
)
DONE_WRONG = _words(
    r"wip(?:ed|ing)(?: out)?",
    r"delet(?:ed|ing)",
    r"breaking",
    r"broke",
    r"(?:took|taking|brought|bringing) (?:\w+ ){1,2}down",
    r"caus(?:ed|ing)",
    r"exhaust(?:ed|ing)",
    r"corrupt(?:ed|ing)",
    "bad",
    "broken",
    "wrong",
    "faulty",
    "buggy",
    "untested",
    "without",
    "straight to",
    "directly to",
    "skipping",
    "bypassing",
    "by mistake",
    "by accident",
    "accidentally",
)
# What a person's thing is called when it did the harm ("Ravi's typo", "her change broke").
THEIR_THING = _words(
    "change",
    "commit",
    "config",
    "configuration",
    "pr",
    "pull request",
    "script",
    "migration",
    "query",
    "deploy",
    "deployment",
    "push",
    "code",
    "patch",
    "edit",
    "command",
)
FAULT_NOUNS = _words(
    "typo", "mistake", "error", "fault", "oversight", "blunder", "carelessness", "negligence"
)
DAMAGE_PARTICIPLES = _words(
    "deleted",
    "dropped",
    "wiped",
    "broken",
    "removed",
    "overwritten",
    "misconfigured",
    "disabled",
    "truncated",
    "killed",
    "revoked",
    "caused",
    "introduced",
)
BLAME_IDIOMS = _phrase(
    r"human error",
    r"operator error",
    r"user error",
    r"pilot error",
    r"dropped the ball",
    r"(?:solely|entirely|fully|personally) (?:to blame|responsible|at fault)",
    r"(?:is|was|are|were) to blame",
    r"(?:is|was|are|were) at fault",
    r"(?:did not|didn't|failed to|chose not to|neglected to) follow (?:the|our|their|his|her)?"
    r"\s*(?:\w+ )?(?:process|procedure|runbook|checklist|playbook|policy|guidelines)",
    r"should(?: have|'ve) known better",
    r"should(?: have|'ve) (?:been (?:more )?(?:careful|vigilant|attentive)|known|noticed|"
    r"caught|checked|double-checked|tested|read|verified|asked|looked)",
    r"careless(?:ly|ness)?",
    r"negligen(?:ce|t|tly)",
    r"sloppy",
    r"reckless(?:ly)?",
    r"(?:not|wasn't|weren't|without) paying attention",
    r"asleep at the wheel",
    r"rookie mistake",
    r"lack of (?:care|attention|diligence)",
)


def blame(text: str, people: People) -> Iterator[str]:
    """Each phrase that puts a person at fault."""
    for pattern in _blame_patterns(people):
        for match in pattern.finditer(text):
            yield match.group().strip()


@lru_cache(maxsize=64)  # a few incidents at a time, not every one since start
def _blame_patterns(people: People) -> tuple[re.Pattern[str], ...]:
    """Compiled once per incident's people: a draft checks every key event with them."""
    person, owner = people.person, people.owner
    return (
        BLAME_IDIOMS,
        # "Tomasz broke", "the intern forgot to", "she never checked", "@dev accidentally
        # deleted"
        re.compile(
            rf"{person}(?:\s+(?:had|has|then|just|also|accidentally|simply|again))*\s+"
            rf"(?:{HARM_VERBS})(?![\w])",
            re.IGNORECASE,
        ),
        # "Sam pushed a bad config", "the new hire merged without review", "our DBA ran a
        # DELETE, wiping 48,000 rows", "we shipped a broken build"
        re.compile(
            rf"(?:{person}|\bwe)\s+(?:{ACT_VERBS})\b[^.;:]{{0,90}}?\b(?:{DONE_WRONG})\b",
            re.IGNORECASE,
        ),
        # "Ravi's typo", "his mistake", "Bob's change broke checkout"
        re.compile(rf"{owner}\s+(?:[\w-]+\s+){{0,2}}?(?:{FAULT_NOUNS})\b", re.IGNORECASE),
        re.compile(
            rf"{owner}\s+(?:[\w-]+\s+){{0,3}}?(?:{THEIR_THING})\b[^.;:]{{0,60}}?"
            rf"\b(?:{HARM_VERBS}|took|brought|wiped|triggered|set|corrupted|locked)\b",
            re.IGNORECASE,
        ),
        # "because Bob deployed on a Friday", "due to Ravi's change"
        re.compile(rf"\b(?:because(?: of)?|due to|thanks to)\s+(?:{owner}|{person})", re.I),
        # "the table was deleted by Sam", "caused by Ravi"
        re.compile(
            rf"\b(?:was|were|got|had been|been)?\s*(?:{DAMAGE_PARTICIPLES})\s+"
            rf"(?:[\w-]+\s+){{0,3}}?by\s+{person}",
            re.IGNORECASE,
        ),
    )


# Hedging ------------------------------------------------------------------------------

HEDGES = _phrase(
    # a guess stated as the cause
    r"it (?:looks|seems|appears)(?: like| as if| that| to)?",
    r"(?:looks|seems|appears) (?:like|as if) (?:it|we|they|the \w+ (?:was|were|is|had))",
    r"seems? to(?: have)?",  # the authors' guess now, not what seemed so at the time
    r"appears? to(?: have)?",
    r"apparently",
    r"seemingly",
    r"somehow",
    r"probably",
    r"possibly",
    r"perhaps",
    r"maybe",
    r"presumably",
    r"supposedly",
    r"(?:most |more than |very |quite )?likely",
    r"(?:I|we) (?:think|believe|suspect|assume|guess|reckon|feel)",
    r"(?:I'm|we're|I am|we are) (?:fairly|pretty|reasonably|not entirely|not fully|not) "
    r"(?:sure|certain|confident)",
    r"our (?:best |current |working )?guess",
    r"(?:best|educated|rough) guess",
    r"it(?:'s| is) (?:possible|conceivable|plausible)",
    r"might",
    r"may (?:have|not have|be)",
    r"could have been",
    r"as far as (?:we|I) (?:can tell|know)",
    r"if (?:we|I) had to guess",
    r"(?:we'll|we will|we'd|we would) try to",
    r"more or less",
    r"not (?:entirely|totally|fully|completely) (?:clear|sure)",
    # a vague time or outcome
    r"for a (?:while|bit|time)",
    r"after a (?:while|bit|time)",
    r"for some time",
    r"at some point",
    r"eventually(?! consisten)",
    r"sometime (?:later|after)",
    r"(?:things|everything|it all) (?:recovered|got better|went back to normal|returned to "
    r"normal|stabili[sz]ed|settled(?: down)?|calmed down|improved|was fine again)",
)


def hedges(text: str) -> Iterator[str]:
    for match in HEDGES.finditer(text):
        yield match.group()


# Wishes -------------------------------------------------------------------------------

# Wishes anywhere in an item: a hope, a virtue, or "more" of something unnamed.
WISHES = _phrase(
    r"ensure (?:this|it|that|we|everyone|the team|similar)\b[^.;]*",
    r"make sure (?:this|it|that|we|everyone|the team)\b[^.;]*",
    r"(?:never|doesn't|does not|won't|will not|don't) (?:happen|recur|occur) again",
    r"prevent (?:this|it|similar (?:incidents|issues|outages)|recurrence)",
    r"be more (?:careful|vigilant|attentive|thorough|diligent|proactive)",
    r"be (?:careful|vigilant)",
    r"more careful",
    r"double-check",
    r"keep an eye on",
    r"pay (?:more |closer )?attention",
    r"communicate better",
    r"better communication",
    r"raise awareness",
    r"remind (?:everyone|the team|engineers|people)",
    r"we should",
    r"(?:we'll|we will)? ?try to",
    r"make sure to",
    r"(?:improve|improved|improving|better|more|enhance|enhanced|additional|increase|"
    r"stronger|strengthen) (?:our |the )?(?:monitoring|alerting|alerts|dashboards?|testing|"
    r"tests|observability|logging|documentation|docs|communication|coverage|visibility|"
    r"process(?:es)?|checks|reviews|runbooks?|tooling|resilience|reliability)",
)
# Verbs that promise thought, not change, when an item starts with them ("Review the
# process"); inside an item ("add a review step") they are fine.
LEADING_WISH = re.compile(
    r"^\W*(?:(?:we|the team|team|everyone)\s+(?:should|will|must|needs? to|to)\s+|"
    r"we['’]ll\s+|let['’]s\s+|to\s+|please\s+)?"
    r"(?:review|revisit|reflect on|rethink|reconsider|re-?evaluate|discuss|explore|"
    r"investigate(?: further| options| alternatives| ways)?|look into|look at|think about|"
    r"consider|evaluate|assess|work on|"
    r"brainstorm|research|align on|improve|enhance|strengthen|try to)\b",
    re.IGNORECASE,
)
# What makes a task checkable: a number or threshold, or a named component (checkout-api,
# payments.yaml, `max_conns`, DNS, a link).
CONCRETE = re.compile(
    r"\d|`[^`]+`|https?://|\b[a-z]+[_.][a-z]+\b|(?-i:\b[A-Z]{2,}\b)|"
    r"\b(?!(?:double|follow|on|re|post|long|short|end|well|self|real|day|up|co|non|pre)-)"
    r"[a-z]+-[a-z0-9]+\b",
    re.IGNORECASE,
)


def wishes(text: str) -> list[str]:
    """The wishful phrases of an action item that names nothing checkable."""
    if CONCRETE.search(text):
        return []
    found = [match.group().strip() for match in WISHES.finditer(text)]
    if leading := LEADING_WISH.match(text):
        found.insert(0, leading.group().strip())
    return found


# A team, a group or several people as the owner of one item.
GROUP_OWNER = re.compile(
    r",|&|/|\+|\band\b|<!subteam|\b(?:team|squad|group|crew|guild|chapter|department|dept|org|"
    r"ops|devops|sre|sres|infra|infrastructure|platform|backend|back-end|frontend|front-end|"
    r"engineering|eng|everyone|all|rotation|on-?call|tbd|nobody)\b",
    re.IGNORECASE,
)


def is_group(owner: str) -> bool:
    return bool(GROUP_OWNER.search(owner))
