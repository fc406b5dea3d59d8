import { describe, expect, it } from 'vitest';
import { generateIdentity, unwrapIdentity, wrapIdentity } from '../src/crypto/identity.ts';
import { CryptoFailure } from '../src/crypto/failures.ts';
import { deriveResumeKeys, newResumeCode, normaliseResumeCode, RESUME_CODE_BITS, resumeBackupLabel } from '../src/crypto/resume-code.ts';
import { sodium } from '../src/crypto/sodium.ts';
import { failureOf } from './failure-of.ts';

const hex = (bytes: Uint8Array) => sodium.to_hex(bytes);

describe('resume codes', () => {
  it('should be five dash-separated groups of five Crockford base32 characters, at least 120 bits', () => {
    const code = newResumeCode();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$/);
    expect(RESUME_CODE_BITS).toBeGreaterThanOrEqual(120);
    expect(new Set(Array.from({ length: 100 }, newResumeCode)).size).toBe(100);
  });

  it('should use every symbol of the alphabet about equally', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 400; i++) for (const char of newResumeCode().replace(/-/g, '')) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(32);
    // 10,000 draws over 32 symbols: about 312 each; a broken mapping would be far off.
    for (const count of counts.values()) expect(count).toBeGreaterThan(200);
  });

  it('should forgive case, spaces, dashes and O/I/L when retyped', () => {
    const code = '7K2QM-XR4TD-0B9HV-N3CWE-PJ6FA';
    expect(normaliseResumeCode(' 7k2qm xr4td-ob9hv n3cwe pj6fa ')).toBe(normaliseResumeCode(code));
    expect(normaliseResumeCode('1L1I')).toBe('1111');
    expect(hex(deriveResumeKeys('7k2qmxr4tdob9hvn3cwepj6fa').authKey)).toBe(hex(deriveResumeKeys(code).authKey));
  });

  it('should derive three independent values, each differing per code', () => {
    const a = deriveResumeKeys(newResumeCode());
    const b = deriveResumeKeys(newResumeCode());
    const values = [a.lookupId, a.authKey, a.wrapKey, b.lookupId, b.authKey, b.wrapKey].map(hex);
    expect(new Set(values).size).toBe(6);
    expect(a.wrapKey).toHaveLength(32);
  });

  it('should wrap an identity that opens only with the code and for the same account', () => {
    const code = newResumeCode();
    const identity = generateIdentity();
    const backup = wrapIdentity(identity, deriveResumeKeys(code).wrapKey, resumeBackupLabel('user-a'));
    const opened = unwrapIdentity(backup, deriveResumeKeys(code).wrapKey, resumeBackupLabel('user-a'));
    expect(hex(opened.signPublicKey)).toBe(hex(identity.signPublicKey));
    expect(failureOf(() => unwrapIdentity(backup, deriveResumeKeys(newResumeCode()).wrapKey, resumeBackupLabel('user-a')))).toBe(
      CryptoFailure.BACKUP_LOCKED,
    );
    expect(failureOf(() => unwrapIdentity(backup, deriveResumeKeys(code).wrapKey, resumeBackupLabel('user-b')))).toBe(
      CryptoFailure.BACKUP_LOCKED,
    );
  });
});
