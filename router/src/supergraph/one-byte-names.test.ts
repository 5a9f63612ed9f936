import { execFileSync } from 'node:child_process';
import path from 'node:path';

const dist = path.resolve(__dirname, '../../dist');
const supergraphPath = path.resolve(__dirname, '../../../supergraph.graphql');

/**
 * How V8 holds the property name `paymentsAwaitingReview` (a field of the
 * project's supergraph) once the planner has been built, with or without
 * internOneByteNames first. A string's representation is not visible to
 * JavaScript, so a child process with V8's natives syntax prints it.
 */
function nameRepresentation(intern: boolean): string {
  const script = `
    const { readFileSync } = require('node:fs');
    const { internOneByteNames } = require(${JSON.stringify(`${dist}/supergraph/one-byte-names.js`)});
    const { SupergraphPlanner } = require(${JSON.stringify(`${dist}/execution/supergraph-planner.js`)});
    const { readSupergraphAuthRequirements } = require(${JSON.stringify(`${dist}/auth/supergraph-auth-requirements.js`)});
    const sdl = readFileSync(${JSON.stringify(supergraphPath)}, 'utf8');
    if (${intern}) internOneByteNames(sdl);
    new SupergraphPlanner(readSupergraphAuthRequirements(sdl).gatewaySdl);
    // A key parsed from JSON is the one copy V8 holds of that name.
    const [key] = Object.keys(JSON.parse('{"paymentsAwaitingReview":1}'));
    %DebugPrint(key);
  `;
  const printed = execFileSync(process.execPath, ['--allow-natives-syntax', '-e', script], {
    encoding: 'utf8',
  });
  // V8 11 (Node 20) names the types ONE_BYTE_INTERNALIZED_STRING_TYPE and
  // INTERNALIZED_STRING_TYPE; V8 13 and 14 (Node 24, 26) INTERNALIZED_ONE_BYTE_STRING_TYPE
  // and INTERNALIZED_TWO_BYTE_STRING_TYPE.
  const type = /- type: (\w+)/.exec(printed)?.[1];
  if (type === undefined || !type.includes('INTERNALIZED')) return printed;
  return type.includes('ONE_BYTE') ? 'one-byte' : 'two-byte';
}

describe('internOneByteNames', () => {
  it('keeps the names of a supergraph one-byte strings, which JSON.stringify serializes at one-byte speed', () => {
    expect(nameRepresentation(true)).toBe('one-byte');
  });

  it('is needed: without it building the planner leaves two-byte names', () => {
    expect(nameRepresentation(false)).toBe('two-byte');
  });
});
