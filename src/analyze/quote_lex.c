/*
 * quote_lex.c -- the English word lists of the quote stage (quote.c):
 * speech verbs, person titles, role nouns, capitalised function words,
 * gendered first names.  Built once (pthread_once) into a read-only hash
 * table mapping a lower-cased word to a bit set of classes; safe to share
 * between threads afterwards.
 */
#include "quote_lex.h"

#include <pthread.h>

static const char *const SPEECH[] = {
    "said", "says", "say", "saying", "told", "tells", "tell", "telling", "added", "adds",
    "adding", "wrote", "writes", "writing", "stated", "states", "declared", "declares",
    "asked", "asks", "explained", "explains", "explaining", "noted", "notes", "noting",
    "observed", "observes", "argued", "argues", "arguing", "insisted", "insists",
    "continued", "continues", "recalled", "recalls", "replied", "replies", "responded",
    "responds", "remarked", "warned", "warns", "warning", "claimed", "claims", "announced",
    "announces", "acknowledged", "acknowledges", "admitted", "admits", "complained",
    "complains", "conceded", "concedes", "countered", "counters", "emphasized",
    "emphasised", "stressed", "stresses", "suggested", "suggests", "tweeted", "tweets",
    "posted", "joked", "jokes", "quipped", "quips", "predicted", "predicts", "promised",
    "promises", "vowed", "vows", "pledged", "urged", "urges", "cautioned", "concluded",
    "confirmed", "confirms", "contended", "contends", "described", "describes", "called",
    "calls", "branded", "brands", "labeled", "labelled", "dubbed", "mused", "reiterated",
    "shouted", "yelled", "exclaimed", "boasted", "boasts", "lamented", "laments",
    "bemoaned", "charged", "alleged", "testified", "wondered", "wonders", "thundered",
    "sniped", "scoffed", "retorted", "fumed", "snapped", "according", "commented",
    "comments", "reported", "reports", "wrote", "announced", "cried", "declared",
    "demanded", "interjected", "maintained", "maintains", "pointed", "proclaimed",
    "read", "reads", "recounted", "repeated", "reminded", "sighed", "stressed",
    "summed", "whispered", "chimed", "offered", "opined", "quoted", "quoting",
    "texted", "emailed", "e-mailed", "messaged", "blasted", "slammed", "hailed",
    "praised", "accused", "criticized", "criticised", "mocked", "touted", "described",
    "characterized", "characterised", "deemed", "termed", "speculated", "insisted",
    "assured", "promised", "informed", "pressed", "asserted", "asserts", "agreed",
    "agrees", "disagreed", "objected", "protested", "ventured", "recalled",
    "acknowledged", "conceded", "allowed", "elaborated", "clarified", "cracked",
    "teased", "raved", "gushed", "tweeting", "concludes", "observes", "explains",
    "recalls", "put", "puts", "agrees", "answered", "answers", "asserted", "advised",
    "pleaded", "prayed", "preached", "rejoined", "relayed", "wrote", "emailed",
    "cautions", "insists", "adds", "estimated", "estimates", "figured", "guessed",
    "added", "recounts", "concluding", "acknowledging", "arguing", "explaining",
    "shot", "shoots", "fired", "fires", "hit", "hits", /* only before "back" (quote.c) */
    "sings", "sang", "reacted", "reacts", "chanted", "chants",
};

/* titles that precede a name; the gender is encoded separately below */
static const char *const TITLE[] = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord",
    "lady", "president", "senator", "sen", "rep", "representative", "gov", "governor",
    "secretary", "minister", "chancellor", "judge", "justice", "general", "gen", "col",
    "colonel", "capt", "captain", "lt", "sgt", "adm", "admiral", "rev", "reverend",
    "father", "pope", "king", "queen", "prince", "princess", "mayor", "speaker",
    "chairman", "chairwoman", "ambassador", "commissioner", "detective", "congressman",
    "congresswoman", "sheriff", "baroness", "baron", "duke", "duchess", "madam",
    "councillor", "councilman", "councilwoman", "assemblyman", "assemblywoman",
    "premier", "candidate", "nominee", "leader", "chief", "director", "spokesman",
    "spokeswoman", "spokesperson", "attorney", "officer", "inspector", "sergeant",
    "lieutenant", "corporal", "private", "superintendent", "bishop", "archbishop",
    "cardinal", "rabbi", "imam", "coach", "author", "dean", "pres", "supt",
};
static const char *const TITLE_M[] = {
    "mr", "sir", "lord", "king", "prince", "father", "congressman", "chairman", "baron",
    "duke", "spokesman", "councilman", "assemblyman",
};
static const char *const TITLE_F[] = {
    "mrs", "ms", "miss", "lady", "dame", "queen", "princess", "congresswoman",
    "chairwoman", "baroness", "duchess", "madam", "spokeswoman", "councilwoman",
    "assemblywoman",
};
static const char *const TITLE_KEEP[] = {"sir", "dame", "lord", "lady"};

/* nouns that name a person by role: "the minister said" */
static const char *const ROLE[] = {
    "ambassador", "minister", "president", "senator", "governor", "secretary",
    "spokesman", "spokeswoman", "spokesperson", "official", "officials", "candidate",
    "chairman", "chairwoman", "chair", "leader", "mayor", "lawmaker", "congressman",
    "congresswoman", "representative", "director", "adviser", "advisor", "aide",
    "strategist", "pollster", "economist", "analyst", "professor", "businessman",
    "businesswoman", "billionaire", "mogul", "nominee", "frontrunner", "front-runner",
    "contender", "challenger", "incumbent", "chancellor", "premier", "judge", "justice",
    "attorney", "lawyer", "prosecutor", "general", "commander", "chief", "officer",
    "executive", "founder", "host", "author", "writer", "columnist", "reporter",
    "correspondent", "editor", "manager", "speaker", "king", "queen", "prince",
    "princess", "pope", "diplomat", "envoy", "politician", "republican", "democrat",
    "woman", "man", "mother", "father", "wife", "husband", "son", "daughter",
    "senator-elect", "president-elect", "chairperson", "ceo", "boss", "campaigner",
    "activist", "organizer", "organiser", "preacher", "pastor", "doctor", "surgeon",
    "scientist", "researcher", "expert", "historian", "observer", "operative",
    "consultant", "donor", "rival", "opponent", "critic", "supporter", "backer",
    "veteran", "star", "actor", "actress", "singer", "businessman", "tycoon",
    "mp", "peer", "secretary-general", "commissioner", "negotiator", "councillor",
    "governor-elect", "vice", "leader", "politician", "policeman", "detective",
};

/* capitalised words that do not start a name (sentence openers) */
static const char *const STOP[] = {
    "the", "a", "an", "but", "and", "or", "so", "if", "in", "on", "at", "for", "from",
    "with", "by", "of", "to", "as", "after", "before", "when", "while", "although",
    "though", "however", "meanwhile", "yet", "still", "then", "now", "this", "that",
    "these", "those", "it", "he", "she", "they", "we", "i", "you", "his", "her", "their",
    "our", "my", "its", "asked", "following", "according", "speaking", "despite",
    "during", "since", "under", "over", "why", "what", "who", "how", "where", "which",
    "yes", "no", "not", "also", "even", "just", "only", "last", "next", "every", "some",
    "many", "most", "all", "both", "each", "several", "other", "another", "one", "two",
    "today", "yesterday", "tomorrow", "there", "here", "let", "like", "unlike",
    "instead", "indeed", "because", "until", "unless", "whether", "once", "among",
    "against", "through", "without", "within", "inside", "outside", "thanks", "please",
    "dear", "well", "oh", "former", "ex", "about", "more", "much", "such", "than",
    "is", "was", "are", "were", "be", "do", "does", "did", "has", "have", "had", "will",
    "would", "can", "could", "should", "may", "might", "must", "shall", "said", "says",
    "told", "added", "earlier", "later", "first", "second", "third", "new", "old",
    "photo", "image", "getty", "reuters", "ap", "afp", "read", "watch", "see", "click",
    "update", "updated", "editor", "note", "full", "text", "abstract", "via", "per",
    "sources", "source", "again", "already", "perhaps", "maybe", "anyway", "whatever",
    "whoever", "everyone", "everybody", "nobody", "somebody", "someone", "nothing",
    "something", "everything", "few", "any", "none", "neither", "either", "nor", "sure",
    "okay", "ok", "mr.", "hey", "hi", "wow", "look", "thank", "go", "get", "make",
};

static const char *const TIME[] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "today", "yesterday", "tonight",
    "tomorrow", "night", "morning", "afternoon", "evening", "week", "month", "year",
    "weekend", "christmas", "easter", "thanksgiving", "hours", "minutes", "days", "weeks",
    "months", "years", "moments", "decades", "seconds",
};

/* words that may stand between a subject and its verb ("Trump also said") */
static const char *const AUX[] = {
    "has", "have", "had", "was", "is", "were", "are", "also", "then", "later", "earlier",
    "previously", "recently", "once", "again", "already", "repeatedly", "reportedly",
    "similarly", "simply", "further", "subsequently", "would", "will", "could", "might",
    "did", "does", "do", "since", "on", "last", "this", "just", "never", "often",
    "always", "still", "even", "only", "in", "an", "interview", "statement", "a",
    "recent", "separate", "later", "not", "had", "being", "has", "privately",
    "publicly", "flatly", "angrily", "bluntly", "simply", "once", "famously",
};

static const char *const PREP[] = {
    "of", "to", "for", "with", "against", "about", "by", "from", "in", "on", "at",
    "following", "after", "before", "over", "under", "between", "among", "toward",
    "towards", "into", "onto", "upon", "without", "behind", "beside", "besides",
    "support", "supporting", "supports", "backs", "backing", "like", "unlike", "than",
    "as", "and", "or", "nor", "but", "versus", "vs", "beat", "defeat", "defeated",
    "beating", "attacked", "attacking", "criticized", "criticizing", "praised",
    "endorsed", "endorsing", "asked", "told", "called", "via", "including", "whom",
};

static const char *const ORGW[] = {
    "post", "times", "news", "committee", "party", "campaign", "department", "house",
    "office", "ministry", "council", "agency", "association", "institute", "university",
    "college", "school", "bank", "company", "corporation", "corp", "inc", "ltd", "group",
    "network", "journal", "press", "tribune", "herald", "guardian", "telegraph",
    "review", "magazine", "foundation", "center", "centre", "union", "court", "board",
    "commission", "service", "services", "administration", "senate", "congress",
    "parliament", "government", "police", "army", "navy", "force", "forces", "club",
    "fund", "coalition", "alliance", "organization", "organisation", "federation",
    "republicans", "democrats", "gop", "cnn", "fox", "nbc", "abc", "cbs", "msnbc",
    "bbc", "npr", "pac", "fbi", "cia", "nasa", "un", "eu", "nato", "white", "pentagon",
    "kremlin", "whitehall", "downing", "reuters", "ap", "afp", "politico", "breitbart",
    "daily", "weekly", "state", "states", "city", "county", "inc.", "llc", "media",
    "facebook", "twitter", "google", "poll", "survey", "report", "study",
};

static const char *const PARTICLE[] = {
    "de", "van", "von", "der", "den", "da", "di", "del", "della", "la", "le", "du",
    "bin", "al", "ibn", "st", "mac", "ter", "dos", "das",
};

static const char *const MALE[] = {
    "aaron", "adam", "alan", "albert", "alex", "alexander", "alfred", "andrew", "andy",
    "anthony", "antonio", "arnold", "barack", "barry", "ben", "benjamin", "bernard",
    "bernie", "bill", "billy", "bob", "bobby", "boris", "brad", "brandon", "brian",
    "bruce", "bryan", "carl", "carlos", "chad", "charles", "charlie", "chris",
    "christopher", "chuck", "clarence", "colin", "cory", "craig", "dan", "daniel",
    "danny", "darrell", "dave", "david", "dennis", "derek", "dick", "don", "donald",
    "doug", "douglas", "duncan", "dwight", "earl", "ed", "eddie", "edward", "elijah",
    "emmanuel", "eric", "ernest", "evan", "frank", "fred", "gary", "geoff", "geoffrey",
    "george", "gerald", "gordon", "graham", "greg", "gregory", "harold", "harry",
    "henry", "herman", "howard", "hugh", "ian", "jack", "jacob", "jake", "james",
    "jared", "jason", "jeb", "jeff", "jeffrey", "jeremy", "jerry", "jesse", "jim",
    "jimmy", "joe", "joel", "john", "johnny", "jon", "jonathan", "jose", "joseph",
    "josh", "joshua", "juan", "justin", "keith", "ken", "kenneth", "kevin", "kim",
    "kurt", "larry", "lawrence", "lee", "leon", "lindsey", "lou", "louis", "luis",
    "marco", "mark", "martin", "matt", "matthew", "max", "michael", "mike", "mitch",
    "mitt", "nathan", "neil", "nick", "nicholas", "nigel", "norman", "oliver", "orrin",
    "owen", "patrick", "paul", "peter", "phil", "philip", "ralph", "rand", "randy",
    "ray", "raymond", "reince", "richard", "rick", "rob", "robert", "roger", "ron",
    "ronald", "roy", "rudy", "russell", "ryan", "sam", "samuel", "scott", "sean",
    "sergei", "simon", "stephen", "steve", "steven", "stuart", "ted", "terry",
    "thomas", "tim", "timothy", "todd", "tom", "tony", "trey", "vladimir", "walter",
    "wayne", "william", "willie", "xi", "vince", "vincent", "marc", "jean", "francois",
    "angus", "nicolas", "emmanuel", "jacques", "hans", "karl", "jens", "pedro", "luiz",
    "recep", "narendra", "shinzo", "benjamin", "bashar", "hassan", "mohammed",
    "muhammad", "ahmed", "ali", "omar", "abdul", "liam", "noah", "ethan", "logan",
    "lucas", "mason", "elliot", "dominic", "keir", "jeremy", "ed", "tony", "gavin",
    "hunter", "beto", "pete", "cory", "tulsi", "kirsten", "jay", "newt", "mitch",
    "chuck", "harry", "rahm", "reid", "devin", "kellyanne", "stephen", "mick",
    "rex", "sebastian", "corey", "kris", "lanny", "tad", "rush", "sheldon", "karl",
    "grover", "ari", "dana", "jon", "cruz", "jorge", "raul", "luke", "martin",
};

static const char *const FEMALE[] = {
    "abigail", "alice", "alison", "amanda", "amy", "andrea", "angela", "ann", "anna",
    "anne", "barbara", "betty", "beverly", "carly", "carol", "caroline", "catherine",
    "cathy", "charlotte", "cheryl", "christina", "christine", "cindy", "claire",
    "condoleezza", "cynthia", "debbie", "deborah", "denise", "diana", "diane", "donna",
    "dorothy", "elaine", "elizabeth", "ellen", "emily", "emma", "erin", "evelyn",
    "frances", "gina", "gloria", "grace", "hannah", "heather", "heidi", "helen",
    "hillary", "hope", "huma", "ivanka", "jane", "janet", "janice", "jeanne", "jennifer",
    "jessica", "jill", "joan", "joanne", "joni", "joyce", "judith", "judy", "julia",
    "julie", "karen", "kate", "katherine", "kathleen", "kathy", "kay", "kelly",
    "kellyanne", "kimberly", "kirsten", "laura", "lauren", "linda", "lisa", "loretta",
    "louise", "lucy", "lynn", "madeleine", "margaret", "maria", "marie", "marilyn",
    "martha", "mary", "megan", "megyn", "melania", "melissa", "michele", "michelle",
    "nancy", "natalie", "nicola", "nicole", "nikki", "olivia", "pamela", "patricia",
    "patty", "paula", "penny", "priti", "rachel", "rebecca", "rosa", "rose", "ruth",
    "sally", "samantha", "sandra", "sara", "sarah", "sharon", "shirley", "sophie",
    "stephanie", "susan", "susana", "suzanne", "tammy", "teresa", "theresa", "tina",
    "tulsi", "valerie", "victoria", "virginia", "wendy", "amber", "andrea", "angela",
    "ayanna", "alexandria", "kamala", "ilhan", "rashida", "debbie", "dianne", "barbara",
    "marsha", "lisa", "susan", "jeanne", "maxine", "nancy", "elise", "liz", "kristen",
    "kirstjen", "sarah", "hope", "betsy", "elaine", "nikki", "carly", "michele",
    "donna", "hilary", "harriet", "yvette", "diane", "jacinda", "angela", "ursula",
    "christine", "marine", "sylvie", "emmanuelle", "arlene", "nicola", "ruth", "leanne",
    "andrea", "esther", "amber", "justine", "margot", "penelope", "jo", "gwen",
};

#define LEX_SLOTS 4096u /* power of two, > 2 x the words above */

typedef struct {
    uint64_t h;
    unsigned bits;
} lex_slot;

static lex_slot g_lex[LEX_SLOTS];
/* A one-bit-per-hash filter in front of the table: most words are in no
 * list and end here, in 4 KB that stay in cache while the 64 KB table
 * may not (the entity tagger's weight reads evict it between documents). */
#define FILT_BITS 32768u
static uint64_t g_filt[FILT_BITS / 64];

static inline size_t filt_bit(uint64_t h)
{
    return (size_t)(h >> 40) & (FILT_BITS - 1);
}
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void add_list(const char *const *w, size_t n, unsigned bit)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t h = dl_qlex_hash(w[i], strlen(w[i]));
        size_t k = (size_t)h & (LEX_SLOTS - 1);
        while (g_lex[k].h && g_lex[k].h != h) k = (k + 1) & (LEX_SLOTS - 1);
        g_lex[k].h = h;
        g_lex[k].bits |= bit;
        g_filt[filt_bit(h) / 64] |= 1ull << (filt_bit(h) % 64);
    }
}

static void build(void)
{
#define ADD(list, bit) add_list(list, DL_ARRAY_LEN(list), bit)
    ADD(SPEECH, QL_SPEECH);
    ADD(TITLE, QL_TITLE);
    ADD(TITLE_M, QL_MALE);
    ADD(TITLE_F, QL_FEMALE);
    ADD(TITLE_KEEP, QL_TITLE_KEEP);
    ADD(ROLE, QL_ROLE);
    ADD(STOP, QL_STOP);
    ADD(TIME, QL_TIME);
    ADD(AUX, QL_AUX);
    ADD(PREP, QL_PREP);
    ADD(ORGW, QL_ORG);
    ADD(PARTICLE, QL_PARTICLE);
    ADD(MALE, QL_MALE | QL_FIRST);
    ADD(FEMALE, QL_FEMALE | QL_FIRST);
#undef ADD
}

void dl_qlex_init(void)
{
    pthread_once(&g_once, build);
}

unsigned dl_qlex_bits_h(uint64_t h)
{
    pthread_once(&g_once, build);
    return dl_qlex_bits_ready(h);
}

unsigned dl_qlex_bits_ready(uint64_t h)
{
    if (!(g_filt[filt_bit(h) / 64] >> (filt_bit(h) % 64) & 1)) return 0;
    size_t k = (size_t)h & (LEX_SLOTS - 1);
    while (g_lex[k].h) {
        if (g_lex[k].h == h) return g_lex[k].bits;
        k = (k + 1) & (LEX_SLOTS - 1);
    }
    return 0;
}

unsigned dl_qlex_bits(const char *s, size_t n)
{
    return dl_qlex_bits_h(dl_qlex_hash(s, n));
}
