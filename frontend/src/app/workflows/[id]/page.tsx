import { BoardPage } from './board-page';

/**
 * Static export knows no workflow ids at build time: the board is exported once for the placeholder `_`, the
 * backend serves that file for every `/workflows/<id>`, and the page reads the real id from the address bar.
 */
export function generateStaticParams() {
  return [{ id: '_' }];
}

export default function WorkflowPage() {
  return <BoardPage />;
}
