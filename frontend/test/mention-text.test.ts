import { mentionedHandles } from '@tandem/shared';
import { activeMention, insertMention } from '../src/features/comments/mention-text';

describe('mention completion', () => {
  it('finds the @query being typed before the caret, only where a mention can start', () => {
    expect(activeMention('Ready for review @Ad', 20)).toEqual({ start: 17, query: 'Ad' });
    expect(activeMention('@', 1)).toEqual({ start: 0, query: '' });
    expect(activeMention('mail ada@example', 16)).toBeNull();
    expect(activeMention('@ada done', 9)).toBeNull();
  });

  it('inserts the handle, so the server reads exactly that mention', () => {
    const text = 'Ready for review @Ad';
    const result = insertMention(text, 17, text.length, 'ada');
    expect(result).toEqual({ text: 'Ready for review @ada ', caret: 22 });
    expect(mentionedHandles(result.text)).toEqual(['ada']);
  });
});
