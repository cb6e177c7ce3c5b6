/**
 * Realistic-enough chat text for the benchmark: words drawn from a Zipf distribution over a
 * programming vocabulary, plus planted terms whose frequencies the query classes rely on.
 */
import { seededRandom } from '../test/crash/workload';

const BASE_WORDS = `the a to of and in is it you that for this with on be can use are as your if not
or have will by from an at but so do we i my function return value error code file type data
string list use call test run should need want how what why when which there then also just make
like one new add get set way work case class method object array number line change example
result problem time first name need true false null undefined import export const let var async
await promise callback loop index key map filter reduce node module package version build config
server client request response json api query database table column row insert select update
delete schema model field user input output print log debug fix bug issue check handle throw
catch try exception stack trace memory thread process event state component render props hook
effect context store action reducer route path url http port host docker image container deploy
branch commit merge rebase push pull diff patch review refactor rename extract inline variable
parameter argument generic interface trait struct enum match pattern option result borrow lifetime
reference pointer slice vector iterator closure lambda scope module crate cargo rust python java
typescript javascript golang kotlin swift haskell ocaml sql bash shell script terminal command`
  .split(/\s+/)
  .filter((word) => word.length > 0);

/** Planted terms and the share of messages that contain each one. */
export const COMMON_TERMS = ['function', 'return', 'value'];
export const MID_TERMS = Array.from({ length: 40 }, (_, index) => `midterm${index}`);
export const RARE_TERMS = Array.from({ length: 200 }, (_, index) => `rareword${index}`);
const COMMON_SHARE = 1 / 3;
const MID_SHARE = 0.01;
/** Each rare term lands in about 5 of a million messages. */
const RARE_SHARE_EACH = 5 / 1_000_000;
export const PLANTED_PHRASE = 'null pointer dereference';
const PHRASE_SHARE = 0.005;

function tailWord(rank: number): string {
  return `w${rank.toString(36)}`;
}

export type Corpus = { message: () => string };

export function createCorpus(seed: number): Corpus {
  const random = seededRandom(seed);
  // Zipf weights over the base words followed by a long synthetic tail.
  const vocabulary = [
    ...BASE_WORDS,
    ...Array.from({ length: 20_000 }, (_, rank) => tailWord(rank)),
  ];
  const cumulative = new Float64Array(vocabulary.length);
  let total = 0;
  for (let rank = 0; rank < vocabulary.length; rank += 1) {
    total += 1 / (rank + 1) ** 1.05;
    cumulative[rank] = total;
  }
  const pick = (): string => {
    const target = random() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulative[middle] ?? 0) < target) low = middle + 1;
      else high = middle;
    }
    return vocabulary[low] ?? 'the';
  };
  const rareChance = RARE_SHARE_EACH * RARE_TERMS.length;
  return {
    message() {
      const length = 8 + Math.floor(random() * 40);
      const words: string[] = [];
      for (let index = 0; index < length; index += 1) words.push(pick());
      const plant = (word: string): void => {
        words.splice(Math.floor(random() * words.length), 0, word);
      };
      for (const term of COMMON_TERMS) if (random() < COMMON_SHARE) plant(term);
      if (random() < MID_SHARE * MID_TERMS.length) {
        plant(MID_TERMS[Math.floor(random() * MID_TERMS.length)] ?? 'midterm0');
      }
      if (random() < rareChance) plant(RARE_TERMS[Math.floor(random() * RARE_TERMS.length)] ?? '');
      if (random() < PHRASE_SHARE) plant(PLANTED_PHRASE);
      return words.join(' ');
    },
  };
}

export type QueryClass = 'rare' | 'mid' | 'common' | 'phrase' | 'prefix';

/** The query mix: several queries per class, as a user would type them. */
export function queryMix(): { queryClass: QueryClass; query: string }[] {
  const of = (queryClass: QueryClass, queries: string[]) =>
    queries.map((query) => ({ queryClass, query }));
  return [
    ...of('rare', ['rareword3', 'rareword77', 'rareword150', 'rareword199 error', 'zzznotthere']),
    ...of('mid', ['midterm1', 'midterm12', 'midterm30', 'midterm5 function', 'docker deploy']),
    ...of('common', ['function', 'return', 'value', 'function return', 'the']),
    ...of('phrase', ['"null pointer"', '"pointer dereference"', '"return value"', '"the code"']),
    ...of('prefix', ['func*', 'midterm1*', 'rarew*', 'conf*', 'ty*']),
  ];
}
