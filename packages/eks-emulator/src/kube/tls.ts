/**
 * A throwaway certificate authority and serving certificate for the emulator's API server, made
 * fresh at every start (nothing is written to disk). node-forge builds the X.509 structures; keys
 * and signatures come from node:crypto, because forge's pure-JS RSA takes hundreds of milliseconds.
 */
import { generateKeyPair, randomBytes, sign } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

export interface KubeServingCertificates {
  /** PEM of the CA certificate: what a kubeconfig's `certificate-authority-data` carries. */
  caPem: string;
  /** PEM of the serving certificate (SANs 127.0.0.1, ::1 and localhost). */
  certPem: string;
  /** PEM of the serving key; stays in the process. */
  keyPem: string;
}

const VALIDITY_MS = 24 * 60 * 60 * 1000;

/** Creates a CA and a server certificate it signs, valid from one hour ago for a day. */
export async function createServingCertificates(commonName = 'kube-apiserver'): Promise<KubeServingCertificates> {
  const [ca, server] = await processKeyPairs();
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = new Date(Date.now() + VALIDITY_MS);

  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.publicKey;
  caCert.serialNumber = serialNumber();
  caCert.validity.notBefore = notBefore;
  caCert.validity.notAfter = notAfter;
  // EKS's cluster CA is also named just `kubernetes`.
  const caSubject = [{ name: 'commonName', value: 'kubernetes' }];
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  signWithNodeCrypto(caCert, ca.privateKeyPem);

  const cert = forge.pki.createCertificate();
  cert.publicKey = server.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer(caSubject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' }, // dNSName
        { type: 2, value: 'kubernetes.default.svc' },
        { type: 7, ip: '127.0.0.1' }, // iPAddress
        { type: 7, ip: '::1' },
      ],
    },
  ]);
  signWithNodeCrypto(cert, ca.privateKeyPem);

  return {
    caPem: forge.pki.certificateToPem(caCert),
    certPem: forge.pki.certificateToPem(cert),
    keyPem: server.privateKeyPem,
  };
}

/**
 * A CA certificate of another cluster: same subject (`kubernetes`) but its own fresh key, so it did not
 * sign the emulator's serving certificate and TLS verification against it fails, as with a kubeconfig
 * that carries another cluster's certificate-authority-data.
 */
export async function createUnrelatedCaPem(): Promise<string> {
  const ca = await rsaKeyPair();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.publicKey;
  caCert.serialNumber = serialNumber();
  caCert.validity.notBefore = new Date(Date.now() - 60 * 60 * 1000);
  caCert.validity.notAfter = new Date(Date.now() + VALIDITY_MS);
  const subject = [{ name: 'commonName', value: 'kubernetes' }];
  caCert.setSubject(subject);
  caCert.setIssuer(subject);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  signWithNodeCrypto(caCert, ca.privateKeyPem);
  return forge.pki.certificateToPem(caCert);
}

/** What forge's certificate.sign() does, with the RSA signature computed natively. */
export function signWithNodeCrypto(cert: forge.pki.Certificate, issuerKeyPem: string): void {
  const oid = forge.pki.oids.sha256WithRSAEncryption!;
  cert.signatureOid = oid;
  cert.siginfo.algorithmOid = oid;
  // getTBSCertificate is public in node-forge (x509.js) but missing from @types/node-forge.
  const tbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
  cert.tbsCertificate = tbs;
  const der = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  cert.signature = sign('sha256', der, issuerKeyPem).toString('binary');
}

interface RsaKeyPair {
  publicKey: forge.pki.rsa.PublicKey;
  privateKeyPem: string;
}

const generateRsa = promisify(generateKeyPair);
let keyPairs: Promise<[RsaKeyPair, RsaKeyPair]> | undefined;

/**
 * RSA-2048 generation costs ~200 ms per key here (measured), so the two key pairs are made once per
 * process; every emulator start still gets its own CA and certificates (new serials, new validity).
 */
function processKeyPairs(): Promise<[RsaKeyPair, RsaKeyPair]> {
  keyPairs ??= Promise.all([rsaKeyPair(), rsaKeyPair()]);
  return keyPairs;
}

async function rsaKeyPair(): Promise<RsaKeyPair> {
  const { publicKey, privateKey } = await generateRsa('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey, privateKeyPem: privateKey };
}

/** A positive 16-byte serial (RFC 5280: at most 20 octets, non-negative). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}
