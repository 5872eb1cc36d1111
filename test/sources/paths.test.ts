import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atPath, pathReader } from '../../src/sources/event.js';

const doc = JSON.parse(
  '{"user":{"username":"alice","groups":["a","b"],"__proto__":{"x":1}},"items":[{"n":1}],"s":"text","n":null,' +
    '"constructor":"mine","a":{"b":{"c":{"d":{"e":5}}}}}',
);

test('a path reader reads what atPath reads, inherited members never, on every kind of value', () => {
  const paths = [
    ['user'], ['user', 'username'], ['user', 'groups'], ['user', 'groups', '1'], ['user', 'groups', 'length'],
    ['user', '__proto__'], ['user', '__proto__', 'x'], ['user', 'toString'], ['user', 'hasOwnProperty'], ['constructor'],
    ['items', '0', 'n'], ['items', 'length'], ['s', 'length'], ['n', 'x'], ['missing', 'x'], ['a', 'b', 'c', 'd', 'e'],
    ['a', 'b', 'c', 'd'], ['with space'], ['with.dot'], ['0'], [],
  ];
  for (const path of paths) {
    for (const data of [doc, null, 'text', 7, [doc], undefined]) {
      assert.deepEqual(pathReader(path)(data), atPath(data, path), `${JSON.stringify(path)} on ${JSON.stringify(data)?.slice(0, 20)}`);
    }
  }
  assert.equal(pathReader(['user', 'username'])(doc), 'alice');
  assert.equal(pathReader(['user', 'toString'])(doc), undefined);
  assert.deepEqual(pathReader(['user', '__proto__'])(doc), { x: 1 });
});

test('a path reader writes no key that is not a plain name into code', () => {
  const hostile = ['a;globalThis.pwned=1;//', 'x}', "a'b", 'a`b'];
  for (const key of hostile) {
    assert.equal(pathReader([key])({ [key]: 'v' }), 'v');
    assert.equal((globalThis as Record<string, unknown>).pwned, undefined);
  }
});
