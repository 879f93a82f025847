import { describe, expect, it } from 'vitest';
import { closestMatch, closestMatches, editDistance } from '../../src/text/did-you-mean.ts';

const LISTED = [
  'anthropic.claude-sonnet-4-5-20250929-v1:0',
  'anthropic.claude-sonnet-4-20250514-v1:0',
  'anthropic.claude-3-5-sonnet-20240620-v1:0',
  'amazon.titan-text-express-v1',
  'amazon.nova-pro-v1:0',
  'meta.llama3-8b-instruct-v1:0',
];

describe('did you mean', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('sonet', 'sonnet')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests the listed ids nearest a mistyped one, nearest first', () => {
    expect(closestMatches('anthropic.claude-sonet-4-5-20250929-v1:0', LISTED)).toEqual([
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
      'anthropic.claude-sonnet-4-20250514-v1:0',
    ]);
    expect(closestMatches('amazon.nova-pro-v2:0', LISTED)).toEqual(['amazon.nova-pro-v1:0']);
    expect(closestMatches('ANTHROPIC.CLAUDE-SONNET-4-20250514-V1:0', LISTED)).toEqual([
      'anthropic.claude-sonnet-4-20250514-v1:0',
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
    ]);
  });

  it('suggests nothing for an id that resembles no listed one', () => {
    expect(closestMatches('acme.rocket-v1', LISTED)).toEqual([]);
  });

  it('keeps the single-answer form for config keys and kinds', () => {
    expect(closestMatch('reigons', ['regions', 'models', 'notify'])).toBe('regions');
    expect(closestMatch('zzz', ['regions', 'models'])).toBeUndefined();
  });
});
