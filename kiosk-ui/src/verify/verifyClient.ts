/** The /verify page's call to the bridge (`GET /api/verify?p=`, device-bridge api/verifyRoutes.ts). */
import type { CertificateVerifyAnswer } from '@onedoor/protocol';

export type VerifyOutcome =
  | { kind: 'answer'; answer: CertificateVerifyAnswer }
  | { kind: 'error'; zh: string; en: string };

export async function verifyPayload(payload: string, fetcher: typeof fetch = fetch): Promise<VerifyOutcome> {
  try {
    const res = await fetcher(`/api/verify?p=${encodeURIComponent(payload.trim())}`, { cache: 'no-store' });
    const body = (await res.json()) as Partial<CertificateVerifyAnswer> & { message?: string; zh?: string };
    if (res.ok && typeof body.status === 'string') return { kind: 'answer', answer: body as CertificateVerifyAnswer };
    if (res.status === 503) return { kind: 'error', zh: '暂停服务：核验暂时无法使用，请稍后再试', en: 'Service paused: verification is unavailable for now; please try again later' };
    return { kind: 'error', zh: '请扫描或粘贴复印件上二维码的内容', en: 'Please scan or paste the content of the QR code on the copy' };
  } catch {
    return { kind: 'error', zh: '无法连接服务器，请稍后再试', en: 'Cannot reach the server; please try again later' };
  }
}
