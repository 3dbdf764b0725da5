/**
 * Copied into the generated app by `scripts/test-package.sh`: runs the app's Pulumi program (pulumi.ts,
 * as generated) under `pulumi.runtime.setMocks`, since no Pulumi CLI or cluster is available, and checks
 * what it registered.
 */
import * as pulumi from '@pulumi/pulumi';

const registered: string[] = [];

async function main(): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(`${args.type} ${args.name}`);
        return { id: `${args.name}_id`, state: args.inputs };
      },
      call: () => ({}),
    },
    'llm-app',
    'test',
    false,
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require('./pulumi') as { gatewayUrl: pulumi.Output<string | undefined>; modelEndpoints: pulumi.Output<Record<string, string>> };
  const value = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
  const [url, endpoints] = await Promise.all([value(program.gatewayUrl), value(program.modelEndpoints)]);
  await new Promise((resolve) => setTimeout(resolve, 500)); // let the last registrations settle
  const kinds = ['kubernetes:core/v1:Namespace', 'kubernetes:apps/v1:Deployment', 'kubernetes:core/v1:Service', 'llm-constructs:index:LlmStack'];
  for (const kind of kinds) if (!registered.some((r) => r.startsWith(`${kind} `))) throw new Error(`no ${kind} registered (got ${registered.length} resources)`);
  if (!url || Object.keys(endpoints).length === 0) throw new Error(`outputs missing: gatewayUrl ${url}, modelEndpoints ${JSON.stringify(endpoints)}`);
  console.log(`pulumi under mocks: ${registered.length} resources registered; gatewayUrl ${url}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
