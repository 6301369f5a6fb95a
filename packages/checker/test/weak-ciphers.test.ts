/** weak-ssl-ciphers reads OpenSSL cipher lists: what an element turns on, and what the list takes out again. */
import { describe, expect, it } from 'vitest';
import { weakCipherElements } from '../src/rules/weak-ssl-ciphers.js';

const families = (list: string) => weakCipherElements(list).map((w) => `${w.element}=${w.family}`);

describe('weakCipherElements', () => {
  it('nginx default and current lists are clean', () => {
    expect(families('HIGH:!aNULL:!MD5')).toEqual([]);
    expect(families('ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305')).toEqual([]);
    expect(families('HIGH:MEDIUM:!aNULL')).toEqual([]);
  });
  it('suite names carry their family', () => {
    expect(families('RC4-SHA:HIGH')).toEqual(['RC4-SHA=RC4']);
    expect(families('ECDHE-RSA-AES128-GCM-SHA256:DES-CBC3-SHA')).toEqual(['DES-CBC3-SHA=3DES']);
    expect(families('EXP-RC4-MD5')).toEqual(['EXP-RC4-MD5=EXPORT']);
    expect(families('ADH-AES256-SHA')).toEqual(['ADH-AES256-SHA=ADH']);
    expect(families('AECDH-AES128-SHA')).toEqual(['AECDH-AES128-SHA=AECDH']);
    expect(families('AES256-SHA,NULL-SHA')).toEqual(['NULL-SHA=eNULL']);
  });
  it('aliases, alone or joined with +', () => {
    expect(families('kEDH+3DES HIGH')).toEqual(['kEDH+3DES=3DES']);
    expect(families('aNULL')).toEqual(['aNULL=aNULL']);
    expect(families('HIGH:LOW')).toEqual(['LOW=LOW']);
  });
  it('what the list removes with ! or - is not reported; + and @ only reorder', () => {
    expect(families('kEDH+3DES:!3DES')).toEqual([]);
    expect(families('RC4:-RC4')).toEqual([]);
    expect(families('DES-CBC-SHA:!LOW')).toEqual([]);
    expect(families('ADH-AES256-SHA:!ADH')).toEqual([]);
    expect(families('ADH-AES256-SHA:AECDH-AES128-SHA:!aNULL')).toEqual([]);
    expect(families('HIGH:+RC4:@STRENGTH')).toEqual([]);
  });
  it('- takes out only what came before it; ! takes out for good; !ADH leaves anonymous ECDH', () => {
    expect(families('HIGH:-RC4:ECDHE-RSA-RC4-SHA')).toEqual(['ECDHE-RSA-RC4-SHA=RC4']);
    expect(families('HIGH:!RC4:ECDHE-RSA-RC4-SHA')).toEqual([]);
    expect(families('AECDH-AES128-SHA:!ADH')).toEqual(['AECDH-AES128-SHA=AECDH']);
  });
});
