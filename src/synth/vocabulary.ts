// Words for the synthetic leak, written for this project: first names by sex and generation, surnames,
// streets, insurers and French health comments. None of it describes a real person.

/** First names by birth period, so that a 90-year-old is not called Enzo. */
export interface FirstNames {
  readonly M: readonly string[];
  readonly F: readonly string[];
}

export const FIRST_NAMES_BY_PERIOD: readonly { readonly bornBefore: number; readonly names: FirstNames }[] = [
  {
    bornBefore: 1950,
    names: {
      M: ['Jean', 'Marcel', 'André', 'René', 'Louis', 'Pierre', 'Joseph', 'Roger', 'Henri', 'Maurice', 'Georges', 'Robert', 'Lucien',
        'Raymond', 'Yves', 'Fernand', 'Émile', 'Gérard', 'Albert', 'Paul', 'Jean-Claude', 'Guy', 'Michel', 'Léon', 'Étienne',
        'Germain', 'Gaston', 'Francis', 'Jean-Baptiste', 'Aimé'],
      F: ['Marie', 'Jeanne', 'Germaine', 'Yvette', 'Simone', 'Paulette', 'Madeleine', 'Suzanne', 'Marguerite', 'Denise', 'Odette',
        'Thérèse', 'Raymonde', 'Lucienne', 'Colette', 'Geneviève', 'Monique', 'Jacqueline', 'Andrée', 'Renée', 'Hélène', 'Josette',
        'Ginette', 'Marie-Thérèse', 'Françoise', 'Gisèle', 'Huguette', 'Léonie', 'Anne-Marie', 'Noëlle'],
    },
  },
  {
    bornBefore: 1980,
    names: {
      M: ['Philippe', 'Alain', 'Patrick', 'Christian', 'Daniel', 'Jean-Pierre', 'Jean-Luc', 'Éric', 'Thierry', 'Pascal', 'Stéphane',
        'Christophe', 'Frédéric', 'Olivier', 'Laurent', 'Didier', 'Hervé', 'Bruno', 'Gilles', 'Jérôme', 'Loïc', 'Yannick',
        'Sébastien', 'Franck', 'Joël', 'Jean-Marc', 'François', 'Benoît', 'Gaël', 'Régis'],
      F: ['Martine', 'Catherine', 'Sylvie', 'Isabelle', 'Nathalie', 'Christine', 'Brigitte', 'Véronique', 'Chantal', 'Patricia',
        'Valérie', 'Sandrine', 'Marie-Hélène', 'Anne-Marie', 'Nadine', 'Corinne', 'Évelyne', 'Muriel', 'Pascale', 'Béatrice',
        'Annick', 'Maryvonne', 'Régine', 'Joëlle', 'Agnès', 'Laurence', 'Hélène', 'Florence', 'Gwenaëlle', 'Françoise'],
    },
  },
  {
    bornBefore: 2000,
    names: {
      M: ['Nicolas', 'Julien', 'Guillaume', 'Maxime', 'Romain', 'Thomas', 'Kévin', 'Anthony', 'Alexandre', 'Mickaël', 'Jérémy',
        'Florian', 'Benjamin', 'Quentin', 'Adrien', 'Aurélien', 'Yann', 'Erwan', 'Gwénaël', 'Ronan', 'Clément', 'Valentin',
        'Mathieu', 'Cédric', 'Grégory', 'Damien', 'Jean-Baptiste', 'Arnaud', 'Loïc', 'Dylan'],
      F: ['Julie', 'Aurélie', 'Émilie', 'Céline', 'Élodie', 'Stéphanie', 'Audrey', 'Mélanie', 'Laetitia', 'Sophie', 'Caroline',
        'Marion', 'Camille', 'Pauline', 'Anaïs', 'Laura', 'Claire', 'Gaëlle', 'Morgane', 'Anne-Sophie', 'Virginie', 'Sarah',
        'Amandine', 'Charlotte', 'Coralie', 'Solène', 'Nolwenn', 'Élise', 'Maïwenn', 'Chloé'],
    },
  },
  {
    bornBefore: Number.POSITIVE_INFINITY,
    names: {
      M: ['Lucas', 'Théo', 'Hugo', 'Léo', 'Nathan', 'Enzo', 'Louis', 'Gabriel', 'Raphaël', 'Jules', 'Arthur', 'Mathis', 'Noé',
        'Timothée', 'Maël', 'Évan', 'Tom', 'Baptiste', 'Ethan', 'Sacha', 'Mathéo', 'Adam', 'Elouan', 'Titouan', 'Axel',
        'Gaspard', 'Noah', 'Aloïs', 'Côme', 'Jean-Eudes'],
      F: ['Emma', 'Léa', 'Chloé', 'Manon', 'Inès', 'Jade', 'Louise', 'Zoé', 'Lina', 'Alice', 'Lola', 'Clémence', 'Maëlys',
        'Océane', 'Anna', 'Rose', 'Juliette', 'Lou', 'Ambre', 'Léonie', 'Maëlle', 'Romane', 'Nina', 'Mathilde', 'Apolline',
        'Clara', 'Héloïse', 'Agathe', 'Lilou', 'Anne-Lise'],
    },
  },
];

/** Surnames: common French ones, Breton and Norman ones, particles, apostrophes, ligatures. */
export const SURNAMES: readonly string[] = [
  'Martin', 'Bernard', 'Thomas', 'Petit', 'Robert', 'Richard', 'Durand', 'Dubois', 'Moreau', 'Laurent', 'Simon', 'Michel',
  'Lefèvre', 'Leroy', 'Roux', 'David', 'Bertrand', 'Morel', 'Fournier', 'Girard', 'Bonnet', 'Dupont', 'Lambert', 'Fontaine',
  'Rousseau', 'Vincent', 'Lefebvre', 'Faure', 'André', 'Mercier', 'Blanc', 'Guérin', 'Boyer', 'Garnier', 'Chevalier', 'François',
  'Legrand', 'Gauthier', 'Perrin', 'Robin', 'Clément', 'Morin', 'Nicolas', 'Henry', 'Roussel', 'Mathieu', 'Masson', 'Marchand',
  'Duval', 'Denis', 'Dumont', 'Lemaire', 'Noël', 'Dufour', 'Meunier', 'Brun', 'Blanchard', 'Giraud', 'Joly', 'Rivière',
  'Lucas', 'Brunet', 'Gaillard', 'Barbier', 'Arnaud', 'Gérard', 'Roche', 'Renard', 'Leroux', 'Colin', 'Caron', 'Picard',
  'Fabre', 'Aubert', 'Lemoine', 'Renaud', 'Lacroix', 'Olivier', 'Bourgeois', 'Benoît', 'Leclerc', 'Rolland', 'Guillaume',
  'Lecomte', 'Dupuy', 'Guillot', 'Hubert', 'Berger', 'Carpentier', 'Dupuis', 'Moulin', 'Deschamps', 'Huet', 'Vasseur',
  'Boucher', 'Fleury', 'Royer', 'Jacquet', 'Poirier', 'Aubry', 'Guyot', 'Carré', 'Renault', 'Charpentier', 'Ménard',
  'Maillard', 'Baron', 'Bertin', 'Bailly', 'Hervé', 'Le Gall', 'Collet', 'Léger', 'Bouvier', 'Prévost', 'Millet', 'Perrot',
  'Le Roux', 'Cousin', 'Germain', 'Breton', 'Langlois', 'Rémy', 'Le Goff', 'Pelletier', 'Lévêque', 'Perrier', 'Leblanc',
  'Barré', 'Lebrun', 'Hamon', 'Boulanger', 'Gillet', 'Étienne', 'Poulain', 'Tessier', 'Chauvin', 'Lemaître', 'Bénard',
  'Gosselin', 'Pichon', 'Le Bihan', 'Le Floch', 'Guégan', 'Le Corre', 'Tanguy', 'Le Moal', 'Le Bris', 'Quéré', 'Le Guen',
  'Riou', 'Cadiou', 'Jaouen', 'Le Meur', 'Bourhis', 'Le Borgne', 'Kerhervé', 'Le Hénaff', 'Quéméner', 'Le Dû', 'Guivarc\'h',
  'D\'Almeida', 'D\'Hondt', 'D\'Aubigny', 'N\'Diaye', 'Da Silva', 'Dos Santos', 'De La Rue', 'Du Mesnil', 'Lebœuf', 'Lecœur',
  'Delahaye', 'Hébert', 'Lesueur', 'Vauquelin', 'Lecanu', 'Anquetil', 'Marie', 'Lepetit', 'Beaufils', 'Grondin', 'Hoarau',
  'Payet', 'Nguyen', 'Benali', 'Haddad', 'Trân', 'Zéphir', 'Sainte-Rose', 'Marie-Louise',
];

/** Street types and names for ADRESSE1. */
export const STREET_TYPES: readonly string[] = ['rue', 'rue', 'rue', 'avenue', 'impasse', 'chemin', 'allée', 'boulevard', 'place', 'route', 'résidence', 'lieu-dit'];
export const STREET_NAMES: readonly string[] = [
  'de la Gare', 'des Lilas', 'de l\'Église', 'du Moulin', 'des Écoles', 'du Stade', 'de la Mairie', 'des Mésanges', 'des Hortensias',
  'du Château d\'Eau', 'de Bretagne', 'Pasteur', 'Victor Hugo', 'Jean Jaurès', 'de la République', 'des Châtaigniers', 'du Port',
  'de la Forêt', 'des Prés', 'de Kerlann', 'de Kervénic', 'du Clos Fleuri', 'des Genêts', 'de la Croix Verte', 'des Ajoncs',
  'Sainte-Anne', 'des Tilleuls', 'de la Loire', 'du Vieux Bourg', 'des Fontaines', 'de Normandie', 'des Peupliers', 'Saint-Michel',
  'des Goélands', 'du Général Leclerc', 'de Verdun', 'de l\'Abbaye', 'des Coquelicots', 'Émile Zola', 'du Pâtis',
];
export const ADDRESS_COMPLEMENTS: readonly string[] = [
  'Bâtiment A', 'Bât. C', 'Appartement 12', 'Appt 3', 'Résidence les Goélands', 'Résidence du Parc', 'Escalier 2', '3e étage',
  'Lieu-dit le Bourg', 'Porte 14', 'BP 42', 'Chez Mme Le Goff', 'Foyer logement', 'EHPAD les Tilleuls', 'Hameau de la Noë',
];

/** Supplementary insurers (MUTUELLE): invented names, plus the public scheme. */
export const INSURERS: readonly string[] = [
  'Mutuelle des Genêts', 'Mutuelle Cœur d\'Armor', 'Prévoyance du Bocage', 'Mutuelle Loire et Sologne', 'Mutuelle des Falaises',
  'Caisse Solidaire de l\'Ouest', 'Mutuelle Hermine et Lin', 'Santé Littorale Mutuelle', 'Mutuelle du Val d\'Eure',
  'Complémentaire des Marais', 'Mutuelle Océane des Îles', 'Prévoyance Trois-Rivières', 'MUT. DES AJONCS', 'C2S',
  'Mutuelle Exemple Santé', 'Assurance Santé Fictive',
];

export const BLOOD_GROUPS: readonly (readonly [string, number])[] = [
  ['O+', 36], ['A+', 37], ['B+', 9], ['AB+', 3], ['O-', 6], ['A-', 7], ['B-', 1], ['AB-', 1],
];

/**
 * Free-text health comments as a lab secretary would type them. Some use characters of Windows-1252's
 * 0x80–0x9F block (’ – … œ €), some characters outside it (≥ →), which a 1252 export turns into '?'.
 */
export const HEALTH_COMMENTS: readonly string[] = [
  'Grossesse 12 SA', 'Patiente enceinte, terme prévu en mars', 'Grossesse gémellaire – suivi rapproché', 'Suivi VIH, charge virale indétectable',
  'Sérologie VIH demandée par le médecin', 'Sous Levothyrox 75 µg', 'Levothyrox 100, contrôle TSH dans 6 semaines',
  'Diabète de type 2, HbA1c ≥ 7 %', 'Diabète insulinodépendant', 'Chimiothérapie en cours (cure n°3)', 'Cancer du sein, suivi oncologie',
  'Traitement anticoagulant (AVK), INR cible 2–3', 'Hépatite C traitée', 'Insuffisance rénale chronique, dialyse le mardi',
  'Allergie à la pénicilline', 'À jeun depuis 12 h', 'Contrôle post-greffe rénale', 'Bilan pré-opératoire', 'Toxoplasmose négative → contrôle mensuel',
  'Patient sous méthotrexate', 'Lithium : contrôle de la lithémie', 'IVG prévue la semaine prochaine', 'Dépistage IST', 'PMA – bilan hormonal',
  'Prélèvement difficile, veines fragiles', 'Patiente ne parle pas français, venir avec sa sœur', 'Reste à charge 15 € réglé',
  'Chimio orale… revoir NFS', 'Hémochromatose, saignée mensuelle', 'Sclérose en plaques', 'Suivi psychiatrique, ne pas appeler au travail',
  'Maladie de Crohn', 'Post-partum, anémie', 'Transfusée en 2017', 'Tuberculose traitée', 'Dépendance à l’alcool, suivi CSAPA',
];
