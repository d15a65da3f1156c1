import { PlaceholderRoute } from './PlaceholderRoute.tsx';

export default function VerifyRoute() {
  return <PlaceholderRoute title="证照核验 / Certificate verification" issue="issue 5 (certificate verification)" />;
}
