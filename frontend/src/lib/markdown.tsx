import { Fragment, type ReactNode } from 'react';

/**
 * A deliberately tiny markdown renderer: paragraphs, line breaks, lists, `code`, fenced code, **bold**,
 * *italic* and http(s) links. It only ever creates React text nodes and a fixed set of elements, so raw HTML
 * in a comment (`<img onerror=...>`) is shown as text and no script can run.
 */
const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*\s][^*]*\*)|(\[[^\]]+\]\([^)\s]+\))|(https?:\/\/[^\s<]+)/g;

function safeHref(href: string): string | undefined {
  return /^https?:\/\//i.test(href) ? href : undefined;
}

function renderInline(text: string, keyPrefix: string): ReactNode[] {
  const nodes: ReactNode[] = [];
  let last = 0;
  let index = 0;
  for (const match of text.matchAll(INLINE)) {
    const start = match.index;
    if (start > last) nodes.push(text.slice(last, start));
    const token = match[0];
    const key = `${keyPrefix}-${index++}`;
    if (match[1]) nodes.push(<code key={key}>{token.slice(1, -1)}</code>);
    else if (match[2]) nodes.push(<strong key={key}>{token.slice(2, -2)}</strong>);
    else if (match[3]) nodes.push(<em key={key}>{token.slice(1, -1)}</em>);
    else if (match[4]) {
      const [, label, href] = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token) ?? [];
      const safe = href ? safeHref(href) : undefined;
      nodes.push(
        safe ? (
          <a key={key} href={safe} rel="noopener noreferrer nofollow" target="_blank">
            {label}
          </a>
        ) : (
          token
        ),
      );
    } else {
      nodes.push(
        <a key={key} href={token} rel="noopener noreferrer nofollow" target="_blank">
          {token}
        </a>,
      );
    }
    last = start + token.length;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}

function renderLines(lines: string[], key: string): ReactNode[] {
  return lines.map((line, i) => (
    <Fragment key={`${key}-${i}`}>
      {i > 0 && <br />}
      {renderInline(line, `${key}-${i}`)}
    </Fragment>
  ));
}

export function Markdown({ source }: { source: string }) {
  const blocks: ReactNode[] = [];
  const parts = source.replace(/\r\n?/g, '\n').split(/^```[^\n]*\n?/m);
  parts.forEach((part, partIndex) => {
    if (partIndex % 2 === 1) {
      blocks.push(
        <pre key={`code-${partIndex}`}>
          <code>{part.replace(/\n$/, '')}</code>
        </pre>,
      );
      return;
    }
    part
      .split(/\n{2,}/)
      .filter((block) => block.trim() !== '')
      .forEach((block, blockIndex) => {
        const key = `b-${partIndex}-${blockIndex}`;
        const lines = block.split('\n');
        if (lines.every((line) => /^\s*[-*]\s+/.test(line))) {
          blocks.push(
            <ul key={key}>
              {lines.map((line, i) => (
                <li key={i}>{renderInline(line.replace(/^\s*[-*]\s+/, ''), `${key}-${i}`)}</li>
              ))}
            </ul>,
          );
        } else {
          blocks.push(<p key={key}>{renderLines(lines, key)}</p>);
        }
      });
  });
  return <div className="markdown">{blocks}</div>;
}
