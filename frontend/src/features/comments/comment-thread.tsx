'use client';

import { useState, type FormEvent } from 'react';
import type { Comment } from '@tandem/shared';
import { errorMessage, getClient } from '@/lib/client';
import { formatTime } from '@/lib/format';
import { Markdown } from '@/lib/markdown';
import { Empty, ErrorState, Loading } from '@/lib/states';
import { useApi } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';
import { useSession } from '@/features/shell/use-session';
import { MentionTextarea } from './mention-textarea';

async function fetchComments(taskId: string): Promise<Comment[]> {
  const comments: Comment[] = [];
  let cursor: string | undefined;
  do {
    const page = await getClient().listComments(taskId, { limit: 500, cursor });
    comments.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return comments;
}

function CommentForm({
  initial = '',
  label,
  onSubmit,
  onCancel,
}: {
  initial?: string;
  label: string;
  onSubmit: (body: string) => Promise<void>;
  onCancel?: () => void;
}) {
  const [body, setBody] = useState(initial);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!body.trim()) return;
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(body);
      setBody('');
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="comment-form" onSubmit={(event) => void submit(event)}>
      <MentionTextarea
        label={label}
        placeholder="Write a comment (markdown; @name mentions someone)"
        value={body}
        onChange={setBody}
        rows={3}
      />
      <div className="row">
        <button type="submit" className="primary" disabled={busy || !body.trim()}>
          {label}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
        {error && (
          <span className="error" role="alert">
            {error}
          </span>
        )}
      </div>
    </form>
  );
}

function CommentItem({
  comment,
  replies,
  canComment,
  onChanged,
}: {
  comment: Comment;
  replies: Comment[];
  canComment: boolean;
  onChanged: () => Promise<unknown>;
}) {
  const session = useSession();
  const [mode, setMode] = useState<'view' | 'edit' | 'reply'>('view');
  const mine = comment.author.type === 'human' && comment.author.id === session.user?.id;
  const deleted = !!comment.deletedAt;
  const remove = async () => {
    if (!window.confirm('Delete this comment?')) return;
    await getClient().deleteComment(comment.id);
    await onChanged();
  };
  return (
    <li className="comment" data-testid="comment">
      <div className="comment-head">
        <strong>{comment.author.name}</strong>
        {comment.author.type === 'agent' && <span className="label">agent</span>}
        <span className="muted">{formatTime(comment.createdAt)}</span>
        {comment.editedAt && !deleted && <span className="muted">(edited)</span>}
      </div>
      {deleted ? (
        <p className="muted">This comment was deleted.</p>
      ) : mode === 'edit' ? (
        <CommentForm
          initial={comment.body}
          label="Save"
          onCancel={() => setMode('view')}
          onSubmit={async (body) => {
            await getClient().editComment(comment.id, { body, version: comment.version });
            setMode('view');
            await onChanged();
          }}
        />
      ) : (
        <Markdown source={comment.body} />
      )}
      {!deleted && mode === 'view' && (
        <div className="row comment-actions">
          {canComment && !comment.parentId && (
            <button type="button" className="link-button" onClick={() => setMode('reply')}>
              Reply
            </button>
          )}
          {mine && (
            <>
              <button type="button" className="link-button" onClick={() => setMode('edit')}>
                Edit
              </button>
              <button type="button" className="link-button" onClick={() => void remove().catch(() => undefined)}>
                Delete
              </button>
            </>
          )}
        </div>
      )}
      {mode === 'reply' && (
        <CommentForm
          label="Reply"
          onCancel={() => setMode('view')}
          onSubmit={async (body) => {
            await getClient().addComment(comment.taskId, { body, parentId: comment.id });
            setMode('view');
            await onChanged();
          }}
        />
      )}
      {replies.length > 0 && (
        <ul className="replies">
          {replies.map((reply) => (
            <CommentItem key={reply.id} comment={reply} replies={[]} canComment={canComment} onChanged={onChanged} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** The task's comment thread; kept live by the board's channel (comment events refresh this key). */
export function CommentThread({ taskId }: { taskId: string }) {
  const session = useSession();
  const comments = useApi(swrKeys.comments(taskId), () => fetchComments(taskId));
  const canComment = session.can('member');
  if (comments.error) return <ErrorState error={comments.error} retry={() => void comments.mutate()} />;
  if (!comments.data) return <Loading what="comments" />;
  const roots = comments.data.filter((comment) => !comment.parentId);
  const repliesOf = (id: string) => comments.data!.filter((comment) => comment.parentId === id);
  return (
    <div className="comments">
      {roots.length === 0 ? (
        <Empty>No comments yet.</Empty>
      ) : (
        <ul className="comment-list">
          {roots.map((comment) => (
            <CommentItem
              key={comment.id}
              comment={comment}
              replies={repliesOf(comment.id)}
              canComment={canComment}
              onChanged={() => comments.mutate()}
            />
          ))}
        </ul>
      )}
      {canComment && (
        <CommentForm
          label="Comment"
          onSubmit={async (body) => {
            await getClient().addComment(taskId, { body });
            await comments.mutate();
          }}
        />
      )}
    </div>
  );
}
