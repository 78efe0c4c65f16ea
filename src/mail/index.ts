export { SendFailure, type FailureKind, type OutgoingLetter, type Transport } from './transport.js';
export { EmlTransport } from './eml.js';
export { SmtpTransport, type SmtpSettings } from './smtp.js';
