import { SettingsPage } from './settings-page';

/** Exported once for the placeholder id `_`, like the board (see ../page.tsx). */
export function generateStaticParams() {
  return [{ id: '_' }];
}

export default function WorkflowSettingsPage() {
  return <SettingsPage />;
}
