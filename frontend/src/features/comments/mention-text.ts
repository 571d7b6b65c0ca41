/** The `@…` being typed just before the caret (a mention starts a word, as the server reads it), or null. */
export function activeMention(text: string, caret: number): { start: number; query: string } | null {
  const match = /(?:^|[^\w.@`/])@([\w.%+-]*)$/.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: caret - match[1].length - 1, query: match[1] };
}

/** `text` with the mention at `start` (up to the caret) replaced by `@handle `; answers the new caret too. */
export function insertMention(text: string, start: number, caret: number, handle: string) {
  const inserted = `@${handle} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}
