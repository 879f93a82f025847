/**
 * Characters that do not show on screen but make an id another id: zero-width spaces and
 * joiners, direction marks, no-break and other odd spaces, control characters. They come with
 * text copied from web pages, chats and word processors; a message must name them, since
 * quoting the id shows nothing wrong.
 */

// Unicode's names for the ones that turn up in copied text; the rest are named by category.
const NAMES: Record<number, string> = {
  160: 'NO-BREAK SPACE',
  173: 'SOFT HYPHEN',
  847: 'COMBINING GRAPHEME JOINER',
  1564: 'ARABIC LETTER MARK',
  6158: 'MONGOLIAN VOWEL SEPARATOR',
  8199: 'FIGURE SPACE',
  8201: 'THIN SPACE',
  8202: 'HAIR SPACE',
  8203: 'ZERO WIDTH SPACE',
  8204: 'ZERO WIDTH NON-JOINER',
  8205: 'ZERO WIDTH JOINER',
  8206: 'LEFT-TO-RIGHT MARK',
  8207: 'RIGHT-TO-LEFT MARK',
  8232: 'LINE SEPARATOR',
  8233: 'PARAGRAPH SEPARATOR',
  8234: 'LEFT-TO-RIGHT EMBEDDING',
  8235: 'RIGHT-TO-LEFT EMBEDDING',
  8236: 'POP DIRECTIONAL FORMATTING',
  8237: 'LEFT-TO-RIGHT OVERRIDE',
  8238: 'RIGHT-TO-LEFT OVERRIDE',
  8239: 'NARROW NO-BREAK SPACE',
  8288: 'WORD JOINER',
  8289: 'FUNCTION APPLICATION',
  8290: 'INVISIBLE TIMES',
  8291: 'INVISIBLE SEPARATOR',
  8292: 'INVISIBLE PLUS',
  8294: 'LEFT-TO-RIGHT ISOLATE',
  8295: 'RIGHT-TO-LEFT ISOLATE',
  8296: 'FIRST STRONG ISOLATE',
  8297: 'POP DIRECTIONAL ISOLATE',
  12288: 'IDEOGRAPHIC SPACE',
  65279: 'ZERO WIDTH NO-BREAK SPACE',
};

// Format (Cf), control (Cc), separators (Z*) but the plain space, and the fillers Unicode
// draws as nothing (Hangul and Braille blanks).
const INVISIBLE =
  /[\p{Cf}\p{Cc}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u115f\u1160\u3164\uffa0\u2800\u180e]|\u034f/u;

export interface InvisibleCharacter {
  /** Where it is in the string, in UTF-16 code units (for offsets into the file's text). */
  index: number;
  /** Where it is for a person: the n-th character, counting from 1. */
  position: number;
  /** `U+200B ZERO WIDTH SPACE`. */
  description: string;
}

/** The first invisible character of `text`, if there is one. */
export function findInvisibleCharacter(text: string): InvisibleCharacter | undefined {
  let position = 0;
  let index = 0;
  for (const character of text) {
    position += 1;
    if (INVISIBLE.test(character)) {
      return { index, position, description: describeCharacter(character) };
    }
    index += character.length;
  }
  return undefined;
}

/** `text` with every invisible character written out, like `amazon.<U+200B>titan`. */
export function showInvisibleCharacters(text: string): string {
  return [...text]
    .map((character) => (INVISIBLE.test(character) ? `<${codePoint(character)}>` : character))
    .join('');
}

/**
 * The sentence a message about `value` needs when it holds an invisible character: what it is,
 * where, and what to do; undefined when it holds none.
 */
export function invisibleCharacterProblem(what: string, value: string): string | undefined {
  const found = findInvisibleCharacter(value);
  if (found === undefined) return undefined;
  return `${what} "${showInvisibleCharacters(value)}" contains an invisible character, ${found.description}, at position ${found.position}; delete it (retype the value: it often comes with text copied from a web page or a chat).`;
}

function describeCharacter(character: string): string {
  const point = character.codePointAt(0) ?? 0;
  const name =
    NAMES[point] ?? (point < 0x20 || point === 0x7f ? 'a control character' : 'a format character');
  return `${codePoint(character)} ${name}`;
}

function codePoint(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
