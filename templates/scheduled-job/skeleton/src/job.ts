/** ${{ values.description }} Runs on the schedule "${{ values.schedule }}" (UTC). */
export async function run(now: Date = new Date()): Promise<void> {
  console.log(JSON.stringify({ job: '${{ values.name }}', startedAt: now.toISOString() }));
}

if (require.main === module) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
