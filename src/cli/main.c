/*
 * main.c -- ./dateline: the command table, option parsing and --help.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("dateline: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

char *cli_join_args(const cli_opts *o)
{
    if (o->argc <= 0) return NULL;
    size_t len = 1, at = 0;
    for (int i = 0; i < o->argc; i++) len += strlen(o->argv[i]) + 1;
    char *s = malloc(len);
    if (!s) return NULL;
    for (int i = 0; i < o->argc; i++) {
        size_t k = strlen(o->argv[i]);
        if (i) s[at++] = ' ';
        memcpy(s + at, o->argv[i], k);
        at += k;
    }
    s[at] = 0;
    return s;
}

int cli_print_json(char *json, size_t len)
{
    if (!json) {
        cli_error("out of memory");
        return EXIT_ARCHIVE;
    }
    fwrite(json, 1, len, stdout);
    fputc('\n', stdout);
    dl_free(json);
    return EXIT_DONE;
}

dl_archive *cli_open_archive(const cli_opts *o, int flags, int *status)
{
    dl_archive *ar = NULL;
    int rc = dl_archive_open(o->archive, flags, &ar);
    if (rc == DL_OK) return ar;
    cli_error("%s", ar ? dl_archive_errmsg(ar) : dl_strerror(rc));
    dl_archive_close(ar);
    *status = EXIT_ARCHIVE;
    return NULL;
}

int cli_archive_error(dl_archive *ar, int rc)
{
    cli_error("%s", rc == DL_ENOMEM ? dl_strerror(rc) : dl_archive_errmsg(ar));
    return EXIT_ARCHIVE;
}

static const cli_cmd COMMANDS[] = {
    {"ingest", cmd_ingest, "ingest [--json] [--quiet] PATH...",
     "Adds the articles of every PATH to the archive: files in the plain form\n"
     "('date YYYY-MM-DD' then the text), .jsonl files (one JSON object a line\n"
     "with \"date\" and \"text\"), folders (walked recursively), .gz and .zst\n"
     "files of either form, and - for JSONL on standard input.\n\n"
     "Each article is analyzed and stored; the same article twice is stored\n"
     "once.  Bad records are reported one by one on standard error as\n"
     "FILE:LINE: REASON and skipped; every good record is still taken.\n"
     "Articles are committed in batches: what ingest reports as added survives\n"
     "any crash.  On a terminal a progress line shows articles, MB, rate, ETA.\n\n"
     "Prints: added, already present, near-duplicates, rejected.\n"
     "  --json   {\"added\": N, \"present\": N, \"near_duplicates\": N, \"rejected\": N}\n"
     "  --quiet  no progress line\n\n"
     "Example:\n  dateline ingest examples/\n  zcat feed.jsonl.gz | dateline ingest -\n",
     CLI_O_QUIET},
    {"stats", cmd_stats, "stats [--json]",
     "What the archive holds: articles, first and last date, stories,\n"
     "near-duplicates and size on disk.\n"
     "  --json   {\"articles\": N, \"first\": D, \"last\": D, \"stories\": N, \"bytes\": N}\n\n"
     "Example:\n  dateline stats --archive news.dateline\n",
     0},
    {"check", cmd_check, "check [--json]",
     "Verifies the archive: opens it read-only and runs the store's full\n"
     "integrity check.  Exit 0 when sound, 3 when it cannot be opened or is\n"
     "damaged.  Safe while an ingest runs.\n\n"
     "Example:\n  dateline check --archive news.dateline\n",
     0},
    {"analyze", cmd_analyze, "analyze PATH...",
     "Analyzes articles without an archive and prints one annotation a line\n"
     "(JSONL, input order): id, date, source, text, sentences, entities,\n"
     "quotes, times (SPEC section 4).  Offsets are UTF-8 byte offsets into\n"
     "text.  With - it is a pure filter over JSONL on standard input.\n\n"
     "Example:\n  dateline analyze examples/plain/2024-03-04-harbour-strike.txt\n"
     "  echo '{\"date\":\"2019-07-10\",\"text\":\"It rained on Monday.\"}' | dateline analyze -\n",
     0},
    {"show", cmd_show, "show [--json] ID",
     "Prints one stored article with its annotations: date, source, title,\n"
     "text, then its people, places and organisations, its quotes with their\n"
     "speakers and its resolved time expressions.\n"
     "  --json   the annotation object of SPEC section 4\n\n"
     "Example:\n  dateline show 3f2a9c0d11e4b7a2\n",
     0},
    {"search", cmd_search, "search QUERY [--from D] [--to D] [-n N] [--queries FILE] [--json]",
     "Ranked articles (BM25).  QUERY has words (all required), \"phrases\",\n"
     "-excluded words and OR between alternatives (OR binds tighter than the\n"
     "implicit AND: 'brexit may OR johnson' is brexit AND (may OR johnson)).\n"
     "A query starting with - goes after --:  dateline search -- -trump biden\n"
     "Snippets mark the matched words as [word].  -n defaults to 10.\n"
     "  --json          {\"query\", \"total\", \"took_ms\", \"hits\": [{\"id\", \"date\",\n"
     "                  \"score\", \"title\", \"snippet\"}]}\n"
     "  --queries FILE  one query a line (optionally TAB FROM TAB TO, either may\n"
     "                  be empty); prints one JSON object a line (JSONL)\n\n"
     "Example:\n  dateline search 'ambassador \"prime minister\" -trump' --from 2019-07-01 -n 5\n",
     CLI_O_RANGE | CLI_O_N | CLI_O_QUERIES},
    {"optimize", cmd_optimize, "optimize [--json]",
     "Merges the search index's segments into one (queries get faster; results\n"
     "stay the same).  Ingest merges by itself when segments pile up.\n",
     0},
    {"quotes", cmd_quotes,
     "quotes [--speaker NAME] [QUERY] [--from D] [--to D] [-n N] [--json]",
     "Who said what, when: quotes newest first (20 unless -n says otherwise).\n"
     "  --speaker NAME  quotes of that person: the full name (\"Boris Johnson\"),\n"
     "                  or a part of it (\"Johnson\") when no one has that full name\n"
     "  QUERY           words that must all occur in the quote or its speaker's name\n"
     "  --json          {\"quotes\": [{\"speaker\", \"text\", \"date\", \"id\",\n"
     "                  \"start\", \"end\"}]}; speaker is null when the text does not\n"
     "                  say; start/end are byte offsets into the article's text\n\n"
     "Example:\n  dateline quotes --speaker \"Theresa May\" --from 2019-07-01\n"
     "  dateline quotes ambassador -n 5 --json\n",
     CLI_O_RANGE | CLI_O_N | CLI_O_SPEAKER},
    {"entities", cmd_entities, "entities [QUERY] [--from D] [--to D] [-n N] [--json]",
     "The people, organisations and places, most mentioned first (20 unless -n\n"
     "says otherwise), counted over the articles dated in the range.\n"
     "  QUERY    words that must all occur in the name\n"
     "  --json   {\"entities\": [{\"name\", \"type\", \"mentions\", \"articles\"}]};\n"
     "           type is PERSON, ORG or PLACE; mentions counts every mention,\n"
     "           articles the articles that name it\n\n"
     "Example:\n  dateline entities --from 2019-07-01 -n 10\n  dateline entities johnson --json\n",
     CLI_O_RANGE | CLI_O_N},
    {"dups", cmd_dups, "dups [--json]",
     "Near-duplicate pairs: the same wire story carried by several sites, found\n"
     "at ingest from word shingles (robust to another lede or byline, share\n"
     "clutter, truncation, quote style, a dropped paragraph, British or American\n"
     "spelling).  The later copy is stored and linked to the first; searches,\n"
     "quotes and entities count the story once.  Reports of one event by\n"
     "different outlets are not near-duplicates.\n"
     "  --json   one {\"a\": ID, \"b\": ID, \"similarity\": 0.93} a line (JSONL)\n\n"
     "Example:\n  dateline dups --json | head\n", 0},
    {"stories", cmd_stories, "stories [QUERY] [--from D] [--to D] [--json]",
     "Stories: groups of articles on one event or development, formed online\n"
     "as articles arrive (TF-IDF of their words within a time window); a story\n"
     "can run for weeks; ids are stable.  QUERY keeps the stories whose label\n"
     "words match; --from/--to keep those active in the range.  The text form\n"
     "lists stories of two or more articles, largest first.\n"
     "  --json   {\"stories\": [{\"id\", \"label\", \"first\", \"last\", \"articles\": [ID...]}]}\n\n"
     "Example:\n  dateline stories --from 2019-07-01 --to 2019-07-31\n", CLI_O_RANGE | CLI_O_N},
    {"timeline", cmd_timeline,
     "timeline QUERY [--from D] [--to D] [--dates N] [--per-date K] [--json]",
     "A dated timeline of the topic: for each chosen date, sentences that\n"
     "say what happened, each with the id of its article.  The topic's articles\n"
     "come from the search index; dates are ranked by how many articles were\n"
     "published on them and how many sentences point at them (\"on Monday\"\n"
     "resolved against each article's date); each date's lines are its most\n"
     "central sentences, never repeated.\n"
     "  --dates N      at most N dates (default 10)\n"
     "  --per-date K   K sentences per date (default 2)\n"
     "  --json         {\"query\", \"timeline\": [{\"date\", \"lines\": [{\"text\", \"id\"}]}]}\n\n"
     "Example:\n  dateline timeline \"boeing 737 max\" --from 2019-03-01 --dates 8 --per-date 1\n",
     CLI_O_RANGE | CLI_O_TIMELINE},
    {"summarize", cmd_summarize, "summarize PATH... [--json]",
     "The sentences that best summarise each article given (files, folders,\n"
     "JSONL or - as for analyze; no archive needed): the lead first, then the\n"
     "sentences that carry the article's most repeated content words; photo\n"
     "captions, bylines and share clutter are skipped.\n"
     "  --json   one {\"id\", \"sentences\": [...]} a line (JSONL)\n\n"
     "Example:\n  dateline summarize examples/plain\n", 0},
    {"serve", cmd_serve, "serve [--port P] [--bind ADDR] [--quiet]",
     "Serves the archive over HTTP: the web page at / and the JSON API of\n"
     "SPEC section 5 under /api/ (search, articles/ID, quotes, entities,\n"
     "stories, timeline, stats; POST /api/articles ingests a JSONL body).\n"
     "Binds 127.0.0.1 unless --bind says otherwise; creates the archive if\n"
     "it is missing.  Logs one line per request on standard error.  SIGINT\n"
     "or SIGTERM stops it after the requests in flight have finished.\n"
     "  --port P     the TCP port (default 8080; 0 picks a free one, printed)\n"
     "  --bind ADDR  the address to listen on (default 127.0.0.1)\n"
     "  --quiet      no access log\n\n"
     "Example:\n  dateline serve --archive news.dateline --port 8080\n"
     "  then open http://127.0.0.1:8080/\n",
     CLI_O_SERVE | CLI_O_QUIET},
};

static const cli_cmd *find_cmd(const char *name)
{
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (strcmp(COMMANDS[i].name, name) == 0) return &COMMANDS[i];
    return NULL;
}

static void usage(FILE *f)
{
    fprintf(f,
            "dateline %s -- a news archive: what happened, when, and who said what.\n\n"
            "usage: dateline COMMAND [OPTIONS] [ARGS]\n\ncommands:\n",
            DL_VERSION);
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        fprintf(f, "  dateline %s\n", COMMANDS[i].usage);
    fprintf(f,
            "\nEvery command takes --archive DIR (default $DATELINE_ARCHIVE, else\n"
            "./news.dateline), --help, and --json where its output is for people.\n"
            "Dates are YYYY-MM-DD.  Exit status: 0 done; 1 done, but some records\n"
            "were rejected or inputs unreadable; 2 usage error; 3 the archive could\n"
            "not be opened or written.\n\n"
            "'dateline COMMAND --help' tells more; docs/dateline.1.md is the manual.\n");
}

static void cmd_help(const cli_cmd *c)
{
    printf("usage: dateline %s\n\n%s\n", c->usage, c->help);
    printf("Common options:\n"
           "  --archive DIR  the archive (default $DATELINE_ARCHIVE, else ./news.dateline)\n"
           "  --help         this text\n");
    if (c->opts & CLI_O_RANGE)
        printf("  --from D, --to D  only articles dated D or later / D or earlier\n");
    if (c->opts & CLI_O_N) printf("  -n N           at most N results\n");
}

static int parse_date_opt(const char *name, const char *v, int32_t *day)
{
    if (dl_date_parse(v, strlen(v), day) != DL_OK) {
        cli_error("%s wants a date YYYY-MM-DD, not '%s'", name, v);
        return -1;
    }
    return 0;
}

static int parse_long(const char *name, const char *v, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || *end || end == v || x < lo || x > hi) {
        cli_error("%s wants a whole number from %ld to %ld, not '%s'", name, lo, hi, v);
        return -1;
    }
    *out = x;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        if (argc > 2 && find_cmd(argv[2])) cmd_help(find_cmd(argv[2]));
        else usage(stdout);
        return EXIT_DONE;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("dateline %s\n", DL_VERSION);
        return EXIT_DONE;
    }
    const cli_cmd *c = find_cmd(argv[1]);
    if (!c) {
        cli_error("no command '%s' (dateline --help lists them)", argv[1]);
        return EXIT_USAGE;
    }
    cli_opts o = {0};
    o.archive = getenv("DATELINE_ARCHIVE");
    if (!o.archive || !*o.archive) o.archive = "news.dateline";
    o.n = -1;
    o.dates = -1;
    o.per_date = -1;
    enum { O_ARCHIVE = 256, O_JSON, O_FROM, O_TO, O_SPEAKER, O_QUERIES, O_DATES,
           O_PERDATE, O_PORT, O_BIND, O_HELP, O_QUIET };
    static const struct option longopts[] = {
        {"archive", required_argument, 0, O_ARCHIVE},
        {"json", no_argument, 0, O_JSON},
        {"from", required_argument, 0, O_FROM},
        {"to", required_argument, 0, O_TO},
        {"speaker", required_argument, 0, O_SPEAKER},
        {"queries", required_argument, 0, O_QUERIES},
        {"dates", required_argument, 0, O_DATES},
        {"per-date", required_argument, 0, O_PERDATE},
        {"port", required_argument, 0, O_PORT},
        {"bind", required_argument, 0, O_BIND},
        {"quiet", no_argument, 0, O_QUIET},
        {"help", no_argument, 0, O_HELP},
        {0, 0, 0, 0}};
    /* parse after the command name; "+" keeps "-" and "-x" positional words
     * of queries apart only after "--" */
    optind = 2;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "n:h", longopts, NULL)) != -1) {
        unsigned need = 0;
        switch (ch) {
        case O_ARCHIVE: o.archive = optarg; break;
        case O_JSON: o.json = 1; break;
        case O_FROM: need = CLI_O_RANGE; o.from = optarg;
            if (parse_date_opt("--from", optarg, &o.from_day)) return EXIT_USAGE;
            break;
        case O_TO: need = CLI_O_RANGE; o.to = optarg;
            if (parse_date_opt("--to", optarg, &o.to_day)) return EXIT_USAGE;
            break;
        case 'n': need = CLI_O_N;
            if (parse_long("-n", optarg, 0, 100000, &o.n)) return EXIT_USAGE;
            break;
        case O_SPEAKER: need = CLI_O_SPEAKER; o.speaker = optarg; break;
        case O_QUERIES: need = CLI_O_QUERIES; o.queries = optarg; break;
        case O_DATES: need = CLI_O_TIMELINE;
            if (parse_long("--dates", optarg, 1, 10000, &o.dates)) return EXIT_USAGE;
            break;
        case O_PERDATE: need = CLI_O_TIMELINE;
            if (parse_long("--per-date", optarg, 1, 100, &o.per_date)) return EXIT_USAGE;
            break;
        case O_PORT: need = CLI_O_SERVE; o.port = optarg; break;
        case O_BIND: need = CLI_O_SERVE; o.bind = optarg; break;
        case O_QUIET: need = CLI_O_QUIET; o.quiet = 1; break;
        case 'h':
        case O_HELP: cmd_help(c); return EXIT_DONE;
        default:
            if (optopt && optopt < 256)
                cli_error("%s: unknown option '-%c' (dateline %s --help)", c->name, optopt, c->name);
            else
                cli_error("%s: unknown or incomplete option '%s' (dateline %s --help)", c->name,
                          argv[optind - 1], c->name);
            return EXIT_USAGE;
        }
        if (need && !(c->opts & need)) {
            cli_error("%s does not take %s (dateline %s --help)", c->name, argv[optind - 1 - (optarg != NULL && argv[optind-1] == optarg)], c->name);
            return EXIT_USAGE;
        }
    }
    if (o.from && o.to && o.from_day > o.to_day) {
        cli_error("--from %s is after --to %s", o.from, o.to);
        return EXIT_USAGE;
    }
    o.argc = argc - optind;
    o.argv = argv + optind;
    return c->run(&o);
}
