import deAdmin from '../locales/de/admin.json';
import deAuth from '../locales/de/auth.json';
import deCall from '../locales/de/call.json';
import deChat from '../locales/de/chat.json';
import deCommon from '../locales/de/common.json';
import deCounsellor from '../locales/de/counsellor.json';
import deSeeker from '../locales/de/seeker.json';
import enAdmin from '../locales/en/admin.json';
import enAuth from '../locales/en/auth.json';
import enCall from '../locales/en/call.json';
import enChat from '../locales/en/chat.json';
import enCommon from '../locales/en/common.json';
import enCounsellor from '../locales/en/counsellor.json';
import enSeeker from '../locales/en/seeker.json';
import ruAuth from '../locales/ru/auth.json';
import ruCall from '../locales/ru/call.json';
import ruChat from '../locales/ru/chat.json';
import ruCommon from '../locales/ru/common.json';
import ruCounsellor from '../locales/ru/counsellor.json';
import ruSeeker from '../locales/ru/seeker.json';
import ukAuth from '../locales/uk/auth.json';
import ukCall from '../locales/uk/call.json';
import ukChat from '../locales/uk/chat.json';
import ukCommon from '../locales/uk/common.json';
import ukCounsellor from '../locales/uk/counsellor.json';
import ukSeeker from '../locales/uk/seeker.json';

/** German and English are complete; Russian and Ukrainian cover what a seeker sees, English fills the rest. */
export const resources = {
  en: { common: enCommon, auth: enAuth, call: enCall, seeker: enSeeker, chat: enChat, counsellor: enCounsellor, admin: enAdmin },
  de: { common: deCommon, auth: deAuth, call: deCall, seeker: deSeeker, chat: deChat, counsellor: deCounsellor, admin: deAdmin },
  ru: { common: ruCommon, auth: ruAuth, call: ruCall, seeker: ruSeeker, chat: ruChat, counsellor: ruCounsellor },
  uk: { common: ukCommon, auth: ukAuth, call: ukCall, seeker: ukSeeker, chat: ukChat, counsellor: ukCounsellor },
};

export type Namespace = keyof (typeof resources)['en'];
