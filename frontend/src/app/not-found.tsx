import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="center-state">
      <h1>Not found</h1>
      <Link href="/">Back to the dashboard</Link>
    </main>
  );
}
