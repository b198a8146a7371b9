// run_chrono.js -- the peer of bench/analyze.sh: reads JSONL articles
// ({"date", "text"}) and runs chrono.parse over each text with the article's
// date as the reference date, as dateline resolves against it.  Prints one
// line: "<seconds> <bytes of JSONL> <articles> <dates found>", the seconds
// timed around reading, JSON parsing and chrono.parse (what `dateline
// analyze` also does, minus its JSON output).
'use strict';
const fs = require('fs');
const readline = require('readline');
const chrono = require('chrono-node');

async function main() {
    const file = process.argv[2];
    const limit = process.argv[3] ? Number(process.argv[3]) : Infinity;
    const t0 = process.hrtime.bigint();
    const rl = readline.createInterface({input: fs.createReadStream(file), crlfDelay: Infinity});
    let bytes = 0, arts = 0, found = 0;
    for await (const line of rl) {
        if (!line) continue;
        if (bytes >= limit) break;
        bytes += Buffer.byteLength(line) + 1;
        const o = JSON.parse(line);
        const ref = new Date(o.date + 'T12:00:00Z');
        found += chrono.parse(o.text, ref).length;
        arts++;
    }
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`${secs} ${bytes} ${arts} ${found}`);
}
main();
