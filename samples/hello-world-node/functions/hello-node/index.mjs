// hello-node: greets whoever the event names. A plain async handler, as on AWS Lambda's nodejs20.x runtime.
export const handler = async (event, context) => {
  const name = typeof event?.name === 'string' && event.name !== '' ? event.name : 'World';
  console.log(`greeting ${name}`);
  return { greeting: `Hello, ${name}!`, runtime: 'nodejs', functionName: context.functionName };
};
