/**
 * List commands: replies and errors as Redis 7.0 gives them (the expected replies
 * were recorded from a real redis-server running the same commands).
 */
import { describe, test } from 'bun:test'
import { TestDb } from '../testing.ts'

describe('list commands', () => {
  test('pushes, ranges and indexes count from either end', () => {
    const db = new TestDb()
    db.script([
      ['RPUSH l a b c d e', 5],
      ['LPUSH l z y', 7],
      ['LRANGE l 0 -1', ['y', 'z', 'a', 'b', 'c', 'd', 'e']],
      ['LRANGE l -3 -1', ['c', 'd', 'e']],
      ['LRANGE l 5 1', []],
      ['LRANGE l 0 100', ['y', 'z', 'a', 'b', 'c', 'd', 'e']],
      ['LRANGE l -100 0', ['y']],
      ['LRANGE l a 1', '-ERR value is not an integer or out of range'],
      ['LRANGE nokey 0 -1', []],
      ['LLEN l', 7],
      ['LLEN nokey', 0],
      ['LINDEX l 0', 'y'],
      ['LINDEX l -1', 'e'],
      ['LINDEX l 100', null],
      ['LINDEX l x', '-ERR value is not an integer or out of range'],
      ['LINDEX nokey x', null],
    ])
    db.close()
  })

  test('LSET replaces by index; a missing key or index is an error', () => {
    const db = new TestDb()
    db.script([
      ['RPUSH l a b c', 3],
      ['LSET l 0 Z', '+OK'],
      ['LSET l -1 E', '+OK'],
      ['LSET l 100 x', '-ERR index out of range'],
      ['LSET nokey 0 x', '-ERR no such key'],
      ['LSET l x x', '-ERR value is not an integer or out of range'],
      ['LRANGE l 0 -1', ['Z', 'b', 'E']],
    ])
    db.close()
  })

  test('LPOP and RPOP take one or a count; the last pop deletes the key', () => {
    const db = new TestDb()
    db.script([
      ['RPUSH l a b c d e', 5],
      ['LPOP l', 'a'],
      ['RPOP l', 'e'],
      ['LPOP l 2', ['b', 'c']],
      ['RPOP l 0', []],
      ['LPOP l -1', '-ERR value is out of range, must be positive'],
      ['LPOP l 1 2', '-ERR wrong number of arguments for \'lpop\' command'],
      ['LPOP nokey', null],
      ['LPOP nokey 2', null],
      ['RPOP l 5', ['d']],
      ['EXISTS l', 0],
      ['RPOP l', null],
    ])
    db.close()
  })

  test('LREM removes from the head, the tail or everywhere', () => {
    const db = new TestDb()
    db.script([
      ['RPUSH m a b a c a d a', 7],
      ['LREM m 2 a', 2],
      ['LRANGE m 0 -1', ['b', 'c', 'a', 'd', 'a']],
      ['LREM m -1 a', 1],
      ['LRANGE m 0 -1', ['b', 'c', 'a', 'd']],
      ['LREM m 0 a', 1],
      ['LRANGE m 0 -1', ['b', 'c', 'd']],
      ['LREM m 0 zz', 0],
      ['LREM nokey 0 a', 0],
      ['LREM m x a', '-ERR value is not an integer or out of range'],
    ])
    db.close()
  })

  test('LINSERT puts an element before or after the first pivot', () => {
    const db = new TestDb()
    db.script([
      ['RPUSH m b c d', 3],
      ['LINSERT m BEFORE c X', 4],
      ['LINSERT m AFTER c Y', 5],
      ['LINSERT m AFTER d Z', 6],
      ['LINSERT m BEFORE b W', 7],
      ['LINSERT m AFTER nope Q', -1],
      ['LINSERT m MIDDLE b Q', '-ERR syntax error'],
      ['LINSERT nokey BEFORE a b', 0],
      ['LRANGE m 0 -1', ['W', 'b', 'X', 'c', 'Y', 'd', 'Z']],
    ])
    db.close()
  })

  test('LTRIM keeps a range and deletes the key when nothing is left', () => {
    const db = new TestDb()
    db.script([
      ['RPUSH m a b c d e', 5],
      ['LTRIM m 1 -2', '+OK'],
      ['LRANGE m 0 -1', ['b', 'c', 'd']],
      ['LTRIM m 0 100', '+OK'],
      ['LRANGE m 0 -1', ['b', 'c', 'd']],
      ['LTRIM m 5 1', '+OK'],
      ['EXISTS m', 0],
      ['LTRIM nokey 0 1', '+OK'],
    ])
    db.close()
  })

  test('LPUSHX and RPUSHX only push onto an existing list', () => {
    const db = new TestDb()
    db.script([
      ['RPUSHX nokey a', 0],
      ['LPUSHX nokey a', 0],
      ['EXISTS nokey', 0],
      ['RPUSH p 1', 1],
      ['RPUSHX p 2 3', 3],
      ['LPUSHX p 0', 4],
      ['LRANGE p 0 -1', ['0', '1', '2', '3']],
    ])
    db.close()
  })

  test('LMOVE and RPOPLPUSH move between lists, or rotate one', () => {
    const db = new TestDb()
    db.script([
      ['RPUSH q a b c', 3],
      ['LMOVE q q2 LEFT RIGHT', 'a'],
      ['LMOVE q q2 RIGHT LEFT', 'c'],
      ['LMOVE q q LEFT RIGHT', 'b'],
      ['LRANGE q 0 -1', ['b']],
      ['LRANGE q2 0 -1', ['c', 'a']],
      ['LMOVE q q2 UP DOWN', '-ERR syntax error'],
      ['RPOPLPUSH q q2', 'b'],
      ['EXISTS q', 0],
      ['RPOPLPUSH nokey q2', null],
      ['SET str x', '+OK'],
      ['RPOPLPUSH q2 str', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      ['LMOVE str q2 LEFT LEFT', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      ['RPOPLPUSH nokey2 str', null],
      ['LRANGE q2 0 -1', ['b', 'c', 'a']],
    ])
    db.close()
  })

  test('LPOS finds matches by RANK, COUNT and MAXLEN', () => {
    const db = new TestDb()
    db.script([
      ['RPUSH l a b c 1 2 3 c c', 8],
      ['LPOS l c', 2],
      ['LPOS l c RANK 2', 6],
      ['LPOS l c RANK -1', 7],
      ['LPOS l c RANK -2', 6],
      ['LPOS l c COUNT 2', [2, 6]],
      ['LPOS l c COUNT 0', [2, 6, 7]],
      ['LPOS l c RANK -1 COUNT 2', [7, 6]],
      ['LPOS l c COUNT 0 MAXLEN 3', [2]],
      ['LPOS l c RANK -1 COUNT 0 MAXLEN 2', [7, 6]],
      ['LPOS l x', null],
      ['LPOS l x COUNT 1', []],
      ['LPOS l c RANK 0', '-ERR RANK can\'t be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list'],
      ['LPOS l c COUNT -1', '-ERR COUNT can\'t be negative'],
      ['LPOS l c MAXLEN -1', '-ERR MAXLEN can\'t be negative'],
      ['LPOS l c FOO', '-ERR syntax error'],
      ['LPOS l c RANK', '-ERR syntax error'],
      ['LPOS nokey c', null],
      ['LPOS nokey c COUNT 1', []],
      ['LPOS l c RANK 10', null],
    ])
    db.close()
  })

  test('blocking pops take from the first non-empty list', () => {
    const db = new TestDb()
    db.script([
      ['RPUSH a 1 2', 2],
      ['BLPOP nokey a 0', ['a', '1']],
      ['BRPOP a 0', ['a', '2']],
      ['BLPOP a -1', '-ERR timeout is negative'],
      ['BLPOP a abc', '-ERR timeout is not a float or out of range'],
      ['SET s x', '+OK'],
      ['BLPOP s 0', '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      ['RPUSH b x', 1],
      ['BLMOVE b c LEFT RIGHT 0', 'x'],
      ['BLMOVE b c LEFT FOO 0', '-ERR syntax error'],
      ['LRANGE c 0 -1', ['x']],
    ])
    db.close()
  })

  test('LPOP with a count on a missing key is a RESP3 null', () => {
    const db = new TestDb()
    db.resp = 3
    db.script([
      ['LPOP nokey 2', null],
      ['LPOP nokey', null],
    ])
    db.close()
  })
})
